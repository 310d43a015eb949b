"""The ledger core both ends share: the audit client (kubechat.audit) writes, signs and ships
records; the collector (kubechat.collector) checks, stores and proves them. Here, so neither end
imports the other: the record format and its canonical bytes (record.py), the checks on those bytes
in the hot loops (wire.py), Ed25519 signing and key ids (sign.py), the hash chain and key rotation
(chain.py), the Merkle tree (merkle.py), the messages one end signs and the other checks (key
registration, checkpoints: protocol.py), record filters (filters.py), redaction (redact.py), and
the views of records both offer: exports (formats.py) and the evidence report (report.py,
report_pdf.py).
"""
