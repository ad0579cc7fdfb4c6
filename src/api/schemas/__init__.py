"""Request and response models, per resource."""
