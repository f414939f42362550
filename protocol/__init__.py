"""The wire formats shared by the manager and the player, each defined once.

Every model here is what travels over HTTP between a board and its manager;
`docs/protocol.md` shows each with an example. Both sides import these models,
so a field added here is added for both.
"""
