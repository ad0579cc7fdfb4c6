"""Emulation criteria: pure rules and the versioned rule sets that parameterise them."""
