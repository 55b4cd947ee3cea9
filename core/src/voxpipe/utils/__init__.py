"""Small utilities shared by the kernel."""
