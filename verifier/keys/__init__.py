"""The service's signing keys in the registry: their life cycle and the published key ring."""
