"""Sign-in with the national account (DVCQG / VNeID) over OpenID Connect: client, views, sandbox provider.

docs/identity.md tells the settings, the flow, the matching rules and the sandbox.
"""
