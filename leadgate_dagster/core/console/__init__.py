"""The review console's pure parts: accounts and passwords, session and CSRF tokens, sign-in throttling."""
