"""Research exports: anonymised Pabulib files and tables of published budgets, and the policy that governs them."""
