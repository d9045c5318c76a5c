"""Tools the agent can use: an order store and the calls on it."""
