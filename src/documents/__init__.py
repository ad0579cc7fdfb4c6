"""Documents in and out: the council's PDFs (minutes and decision, as Decree 30/2020 lays
them out) and the poverty review's spreadsheets. Adapters over the domain's records: no
HTTP, no storage."""
