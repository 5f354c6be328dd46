"""The staff workspace (/registrar/...)."""
