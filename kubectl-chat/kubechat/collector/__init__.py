"""The in-cluster audit collector: verifies signed, chained records, binds signing keys to
Kubernetes identities, keeps an RFC 6962 Merkle log with signed checkpoints, and answers queries."""
