"""pos-app: a cashier application for store registers."""

__version__ = "0.1.0"
