"""After the award: open contracting (OCDS releases at /api/v1/ocds/), notifications and contract-end
reminders, continuous compliance of solutions under live orders, and switching (replacing contracts
that end soon). Depends on procurement.orders and procurement.competitions; neither imports it: it
listens to their signals and to the catalogue's events."""
