"""fdgui: finite-difference gradients of neural-network losses, and how far to trust them."""

__version__ = "0.1.0"
