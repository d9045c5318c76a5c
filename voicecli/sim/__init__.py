"""Simulation, for the bench and the tests: never imported by the product.

A caller's voice that is not the agent's (caller.py), the acoustic echo path from a laptop's
speaker to its mic (echo_path.py) and an order backend that is slow or fails on purpose
(backend.py). These import the product's parts; nothing in the product imports them.
"""
