"""Printable documents: layouts, fonts, vector QR, embedded proof, PAdES signature.

Importing the package is cheap; the reportlab and pyHanko parts load with the
modules that need them, so verifying an uploaded PDF does not load the renderer.
"""
