"""The pure numerical core: numpy and the standard library only, never Qt."""
