"""Points per millimetre (PDF user space is 1/72 inch); typed, unlike reportlab's."""

mm: float = 72 / 25.4
