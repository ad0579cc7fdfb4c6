"""thidua: the product's entry points, settings, logging and composition root."""
