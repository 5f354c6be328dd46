"""verifier: a public diploma authenticity service.

Importing the package loads nothing else: the command line, the web app and
each domain package are imported where they are used.
"""

__version__ = "0.1.0"
