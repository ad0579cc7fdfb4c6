"""The use cases of the product, one module per reason to change, combined in
``service.nomination_service.NominationService``."""
