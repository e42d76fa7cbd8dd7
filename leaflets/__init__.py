"""leaflets: patient-information leaflets kept as structured JSON, checked, and rendered."""

__version__ = "0.1.0"
