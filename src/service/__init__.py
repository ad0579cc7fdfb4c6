"""The application service: the one base on the library's internals (application.py), the
use cases by module (usecases/), combined into NominationService, and what auditors ask of
the store (audit.py)."""
