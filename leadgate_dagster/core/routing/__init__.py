"""Routing, pure: who works a routed lead (territory, account, person, weighted round robin within capacity
and working hours), its next step, lead-to-account matching, the owner and account files, and the alternate
offers of compliant but ineligible leads. The gate (`gate/routing.py`) feeds it from the store."""
