"""The ledger core both ends share: the audit client (kubechat.audit) writes and ships records,
the collector (kubechat.collector) checks, stores and proves them. The record format and its
canonical bytes (record.py), the checks on those bytes in the hot loops (wire.py), the Merkle
tree (merkle.py), the messages both ends sign or check (protocol.py) and the record filters
(filters.py) live here, so neither end imports the other.
"""
