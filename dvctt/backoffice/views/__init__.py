"""Back-office pages (một cửa điện tử): thin adapters over the dossier selectors and services."""
