"""HTTP layer: thin views over the service layer."""
