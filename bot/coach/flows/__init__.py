"""Resumable coaching flows: reflective exercises, conflict scenarios and GROW conversations."""
