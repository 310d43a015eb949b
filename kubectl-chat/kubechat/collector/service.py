"""The collector's logic, apart from HTTP: bind keys to users, verify and store records, keep
the Merkle log and its signed checkpoints, answer queries and proofs."""

from __future__ import annotations

import functools
import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict

from ..errors import KubechatError
from ..ledger import merkle, wire
from ..ledger.chain import next_key
from ..ledger.protocol import registration_message
from ..ledger.record import GENESIS_HASH, UNVERIFIED_USERS, Record, UserInfo, now_rfc3339
from ..ledger.redact import search_text
from ..ledger.sign import decode_public, key_id, verify
from .bundles import AcceptedBundles
from .crypto import BodyCipher, CheckpointSigner
from .identity import IdentityResolver
from .limits import Limits, RateLimiter, retry_after_header
from .store import KeyBinding
from .summaries import Rollup

MAX_BATCH = 1000
MAX_LOG_PAGE = 10_000  # log entries per page for verifying the whole log (~12 MB)
# How long a batch may wait for its turn before the collector answers 503 with Retry-After: well
# under the shipper's 10 s timeout, so a client is never left waiting for a batch it gave up on.
INGEST_WAIT_S = 3.0
# Ed25519 verification runs outside the GIL (cryptography releases it), so a batch's signatures
# are checked by a few threads at once; below this many records a batch is checked in its own thread.
PARALLEL_VERIFY_MIN = 64
VERIFY_THREADS = min(4, os.cpu_count() or 1)


@functools.lru_cache(maxsize=4096)
def _public_key(public_b64: str):
    """Decoded once per key, not once per record (bindings never change a key's bytes)."""
    return decode_public(public_b64)


@functools.cache
def _verifier() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(VERIFY_THREADS, thread_name_prefix="kubechat-verify")


def _verify_part(jobs: list[tuple[str, bytes, str | None]]) -> list[bool]:
    return [verify(_public_key(public), data, signature) for public, data, signature in jobs]


def _verify_all(jobs: list[tuple[str, bytes, str | None]]) -> list[bool]:
    """Each (public key, signed bytes, signature) checked, in order: split among the verifier
    threads when there are enough of them to pay for the hand-over."""
    if len(jobs) < PARALLEL_VERIFY_MIN or VERIFY_THREADS < 2:
        return _verify_part(jobs)
    size = -(-len(jobs) // VERIFY_THREADS)
    parts = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    return [ok for part in _verifier().map(_verify_part, parts) for ok in part]


class _Batch:
    """What one batch learns as it goes, so records of a chain sent together do not ask the
    store again for what the batch itself just wrote."""

    def __init__(self, stored: dict[str, tuple[str, int]]):
        self.stored = stored  # auditID → (hash, leaf index): in the log, or accepted by this batch
        self._bindings: dict[str, list[KeyBinding]] = {}
        self.links: dict[
            tuple[str, int, str], tuple[str, str]
        ] = {}  # (client, seq, hash) → (chain, next key)
        self.positions: set[tuple[str, int]] = set()  # (chain, seq) stored by this batch
        self.rollup = Rollup()  # what the batch adds to the dashboard's summaries

    def bindings(self, tx, key_id: str) -> list[KeyBinding]:
        if key_id not in self._bindings:
            self._bindings[key_id] = tx.bindings(key_id)
        return self._bindings[key_id]


class Refused(KubechatError):
    """A request the collector turns down; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


class CollectorService:
    def __init__(
        self,
        store,
        cipher: BodyCipher,
        signer: CheckpointSigner,
        resolver: IdentityResolver,
        reader_groups: tuple[str, ...] = ("system:masters", "kubechat:auditors"),
        reader_users: tuple[str, ...] = (),
        metrics=None,
        accepted_bundles: AcceptedBundles | None = None,
        limits: Limits | None = None,
        ingest_wait: float = INGEST_WAIT_S,
    ):
        self.store = store
        self.accepted_bundles = accepted_bundles or AcceptedBundles()
        self.limits = limits or Limits()
        self._rate = RateLimiter(self.limits.records_per_second, self.limits.burst)
        self.cipher = cipher
        self.signer = signer
        self.resolver = resolver
        self.reader_groups = set(reader_groups)
        self.reader_users = set(reader_users)
        self.metrics = metrics
        self._leaves: list[bytes] = []  # cache of leaf hashes; leaves never change once written
        self._leaves_lock = threading.Lock()
        self._subtrees = merkle.SubtreeCache()
        self.ingest_wait = ingest_wait
        self._ingest_slot = threading.Lock()  # one batch at a time; the store serialises them anyway
        # keyID → base64 public key of keys seen bound. A key id is the hash of its public key, so
        # a signature checked with it before the batch's turn is the check _check would make.
        self._known_keys: dict[str, str] = {}
        self.build_summaries()  # a store made before the summaries: once, before serving

    # -- identity ---------------------------------------------------------------------------------
    def authenticate(self, token: str | None) -> UserInfo:
        if not token:
            raise Refused(401, "a Kubernetes bearer token is required")
        from .identity import IdentityError, IdentityThrottled, IdentityUnavailable

        try:
            return self.resolver.resolve(token)
        except IdentityError as exc:
            raise Refused(401, exc.message) from exc
        except IdentityThrottled as exc:
            raise Refused(429, exc.message, {"Retry-After": retry_after_header(exc.retry_after)}) from exc
        except IdentityUnavailable as exc:
            raise Refused(503, exc.message) from exc

    def authorize_reader(self, token: str | None) -> UserInfo:
        user = self.authenticate(token)
        if user.username in self.reader_users or self.reader_groups.intersection(user.groups):
            return user
        raise Refused(403, f"{user.username} may not read the audit log (needs one of the reader groups)")

    def _throttle(self, user: UserInfo, cost: int) -> None:
        wait = self._rate.take(user.username, cost)
        if wait:
            raise Refused(
                429,
                f"too many records from {user.username}: retry later",
                {"Retry-After": retry_after_header(wait)},
            )

    def register_key(self, token: str | None, payload: dict) -> tuple[int, KeyBinding]:
        """Bind a public key to the identity behind the token. 201 new, 200 already bound to you."""
        user = self.authenticate(token)
        self._throttle(user, 1)
        kid, pub, proof = payload.get("keyID"), payload.get("publicKey"), payload.get("proof")
        try:
            public = decode_public(pub or "")
        except ValueError as exc:
            raise Refused(400, "publicKey is not a base64 Ed25519 public key") from exc
        if key_id(public) != kid:
            raise Refused(400, "keyID does not match publicKey")
        if not verify(public, registration_message(kid, pub), proof):
            raise Refused(400, "proof of possession does not verify")
        self._known_keys[kid] = pub
        # Binding needs both the private key (proof) and the identity's own token, so a key only
        # ever speaks for identities its holder has proven; one person may prove several.
        with self.store.write() as tx:
            for existing in tx.bindings(kid):
                if existing.username == user.username:
                    return 200, existing
            binding = KeyBinding(kid, pub, user.username, user.uid, user.groups, now_rfc3339())
            tx.add_key(binding)
        self._count("keys_registered")
        return 201, binding

    # -- ingest -----------------------------------------------------------------------------------
    def ingest(self, token: str | None, raw_records: list[str], arrived: float | None = None) -> dict:
        """Verify and store a batch sent by the identity behind `token`. Every stored record (new or
        already there) comes back with a receipt: its leaf index and an inclusion proof to the
        signed checkpoint returned with the batch, which the client keeps before it prunes.
        `arrived` (time.monotonic()) is when the request came in: time it spent waiting for a
        worker thread counts against the batch's wait for its turn."""
        deadline = (time.monotonic() if arrived is None else arrived) + self.ingest_wait
        submitter = self.authenticate(token)
        if len(raw_records) > MAX_BATCH:
            raise Refused(413, f"at most {MAX_BATCH} records per batch")
        self._throttle(submitter, len(raw_records))
        results = []
        checkpoint = None
        # Each record's own checks (parse, canonical form, hash) need nothing from the store: done
        # before waiting for the batch's turn, so they overlap another batch's writes.
        parsed = [self._parse(raw) for raw in raw_records]
        verdicts = self._verify_known(parsed)
        # Backpressure: a batch that cannot start soon is answered now, while the client still
        # waits, instead of being worked on after it gave up (and then sent again).
        left = deadline - time.monotonic()
        if left <= 0 or not self._ingest_slot.acquire(timeout=left):
            self._count("records", "busy")
            raise Refused(
                503,
                "the collector is busy: retry later",
                {"Retry-After": retry_after_header(self.ingest_wait)},
            )
        try:
            with self.store.write() as tx:
                size = tx.size()
                batch = _Batch(tx.stored([c.record.auditID for c in parsed if isinstance(c, wire.Checked)]))
                rows = []
                for i, checked in enumerate(parsed):
                    result, row = self._check(
                        tx, checked, size + len(rows), submitter, batch, verdicts.get(i)
                    )
                    results.append(result)
                    if row is not None:
                        rows.append(row)
                if rows:  # one insert, one checkpoint (and one root computation) per batch
                    tx.insert_records(rows)
                    tx.add_rollup(batch.rollup)  # the dashboard's summaries, in the same transaction
                    checkpoint = self._checkpoint(tx, size + len(rows))
                receipt_cp = checkpoint or tx.latest_checkpoint()
                self._add_proofs(tx, results, receipt_cp)
        except BaseException:
            # The caches may hold leaves of this uncommitted batch: forget them, rebuild from the store.
            with self._leaves_lock:
                self._leaves = []
                self._subtrees = merkle.SubtreeCache()
            raise
        finally:
            self._ingest_slot.release()
        for r in results:
            self._count("records", r["status"])
        if checkpoint and self.metrics:
            self.metrics.tree_size.set(checkpoint["treeSize"])
        return {"results": results, "checkpoint": receipt_cp}

    def _add_proofs(self, tx, results: list[dict], checkpoint: dict | None) -> None:
        stored = [r for r in results if r["status"] in ("accepted", "duplicate")]
        if not stored or checkpoint is None:
            return
        leaves = self._leaf_hashes(tx, checkpoint["treeSize"])
        batch_subtrees = merkle.BatchCache(self._subtrees)  # the batch's proofs share small subtrees
        for r in stored:
            r["proof"] = [p.hex() for p in merkle.inclusion_proof(r["leafIndex"], leaves, batch_subtrees)]

    def _verify_known(self, parsed: list) -> dict[int, tuple[str, bool]]:
        """Position in the batch → (public key, whether the signature verifies), for records whose
        key was seen bound before: checked before the batch waits for its turn, so the checks
        overlap another batch's writes."""
        known = [
            (i, public, checked)
            for i, checked in enumerate(parsed)
            if isinstance(checked, wire.Checked) and (public := self._known_keys.get(checked.record.keyID))
        ]
        verdicts = _verify_all([(public, c.signing, c.record.signature) for _, public, c in known])
        return {i: (public, ok) for (i, public, _), ok in zip(known, verdicts, strict=True)}

    def _parse(self, raw: str | bytes) -> wire.Checked | dict:
        """A record checked on its own (size, canonical form, hash), or the rejection."""
        data = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
        if len(data) > self.limits.max_record_bytes:
            return {
                "auditID": _guess_id(data[:4096]),
                "status": "rejected",
                "reason": f"record is {len(data)} bytes, more than the collector's limit of "
                f"{self.limits.max_record_bytes}",
            }
        try:
            return wire.check(data)
        except wire.WireError as exc:
            return {"auditID": _guess_id(data), "status": "rejected", "reason": str(exc)}

    def _check(
        self,
        tx,
        checked: wire.Checked | dict,
        leaf_index: int,
        submitter: UserInfo,
        batch: _Batch,
        verdict: tuple[str, bool] | None = None,
    ) -> tuple[dict, dict | None]:
        if isinstance(checked, dict):
            return checked, None
        record, data = checked.record, checked.data

        def reject(reason: str):
            return {"auditID": record.auditID, "status": "rejected", "reason": reason}, None

        digest = checked.hash
        stored = batch.stored.get(record.auditID)
        if stored is not None:
            if stored[0] == digest:
                return {"auditID": record.auditID, "status": "duplicate", "leafIndex": stored[1]}, None
            return reject("auditID already used by a different record")
        bindings = batch.bindings(tx, record.keyID)
        if not bindings:
            return reject(f"unknown signing key {record.keyID}: register it with POST /v1/keys first")
        bound = sorted(b.username for b in bindings)
        if record.user.username not in bound and record.user.username not in UNVERIFIED_USERS:
            return reject(
                f"signing key {record.keyID} is bound to {', '.join(repr(u) for u in bound)}, "
                f"but the record claims {record.user.username!r}"
            )
        if submitter.username not in bound:
            return reject(
                f"submitted by {submitter.username!r}, who has not proven possession of signing key "
                f"{record.keyID}"
            )
        public = bindings[0].public_key
        self._known_keys[record.keyID] = public
        if verdict is not None and verdict[0] == public:
            verified = verdict[1]
        else:
            verified = verify(_public_key(public), checked.signing, record.signature)
        if not verified:
            return reject("signature does not verify")
        # A chain is owned by the key that started it: the collector's chain name is the client's
        # chain id plus that key, and later records find their chain through prevHash. So another
        # key claiming the same client id starts a separate chain and never blocks this one, and
        # only the chain's current key can extend it.
        if record.seq < 1:
            return reject("sequence numbers start at 1")
        prev_in_batch = False
        if record.seq == 1:
            if record.prevHash != GENESIS_HASH:
                return reject("first record of a chain must have the genesis prevHash")
            chain = f"{record.clientID}:{record.keyID}"
        else:
            link = (record.clientID, record.seq - 1, record.prevHash)
            prev_in_batch = link in batch.links
            prev = batch.links[link] if prev_in_batch else tx.chain_link(*link)
            if prev is None:
                return reject(
                    f"record {record.seq - 1} of this chain with this record's prevHash has not arrived "
                    "(send in order)"
                )
            chain, expected_key = prev
            if expected_key != record.keyID:
                return reject(f"signed by {record.keyID}, but the chain's current key is {expected_key}")
        # A predecessor stored in this batch had no successor before it: only this batch can hold one.
        if (chain, record.seq) in batch.positions or (
            not prev_in_batch and tx.chain_row(chain, record.seq) is not None
        ):
            return reject(f"sequence {record.seq} of this chain is already another record (a fork)")
        # The only clear text column: redacted here again, whatever the client did.
        search = search_text(record.request, record.argv, record.policy.reasons)
        following = next_key(record)
        row = {
            "leaf_index": leaf_index,
            "audit_id": record.auditID,
            "client_id": record.clientID,
            "chain": chain,
            "seq": record.seq,
            "hash": digest,
            "leaf_hash": merkle.leaf_hash(data),
            "key_id": record.keyID,
            "next_key": following,
            "username": record.user.username,
            "verb": record.verb,
            "namespace": record.objectRef.namespace,
            "risk": record.risk,
            "decision": record.policy.decision,
            "stage": record.stage,
            "ts": record.requestReceivedTimestamp,
            "search": search,
            "body": self.cipher.seal(record.auditID, data),
        }
        batch.stored[record.auditID] = (digest, leaf_index)
        batch.links[(record.clientID, record.seq, digest)] = (chain, following)
        batch.positions.add((chain, record.seq))
        batch.rollup.add(record)
        batch.rollup.add_chain(
            chain, record.clientID, record.seq, digest, record.requestReceivedTimestamp, record.user.username
        )
        result = {"auditID": record.auditID, "status": "accepted", "leafIndex": leaf_index}
        if (bundle_status := self.accepted_bundles.status(record)) is not None:
            result["policyBundleStatus"] = bundle_status
        return result, row

    def build_summaries(self, page: int = 1000) -> bool:
        """Build the dashboard's summaries once for a store made before them (they are kept at
        ingest after that): chains from the clear columns, activity by decrypting each record once.
        Under the write lock, so a batch never lands half-counted. True when it built them."""
        with self.store.write() as tx:
            if tx.summaries_built():
                return False
            tx.clear_summaries()
            tx.rebuild_chains()
            after = -1
            while rows := tx.query({}, after, page):
                rollup = Rollup()
                for _, audit_id, sealed in rows:
                    rollup.add(Record.model_validate_json(self.cipher.open(audit_id, sealed)))
                tx.add_rollup(rollup)
                after = rows[-1][0]
            tx.mark_summaries_built()
        return True

    # -- Merkle log -------------------------------------------------------------------------------
    def _leaf_hashes(self, tx, size: int) -> merkle.Prefix:
        with self._leaves_lock:
            if len(self._leaves) < size:
                self._leaves.extend(tx.leaf_hashes(len(self._leaves), size))
            if len(self._leaves) < size:
                raise Refused(400, f"the log has fewer than {size} entries")
            # A view, not a copy: the cache only grows, so its first `size` entries stay put.
            return merkle.Prefix(self._leaves, size)

    def _checkpoint(self, tx, size: int) -> dict:
        root_hex = merkle.root(self._leaf_hashes(tx, size), self._subtrees).hex()
        checkpoint = self.signer.sign(size, root_hex, now_rfc3339())
        tx.add_checkpoint(checkpoint)
        return checkpoint

    def checkpoint(self) -> dict:
        with self.store.read() as tx:
            cp = tx.latest_checkpoint()
        if cp is None:
            cp = self.signer.sign(0, merkle.EMPTY_ROOT.hex(), now_rfc3339())
        return {**cp, "publicKey": self.signer.public_b64}

    def inclusion(self, leaf_index: int | None, tree_size: int | None, audit_id: str | None = None) -> dict:
        """Inclusion proof for a leaf (by index or by auditID) in the tree of `tree_size`
        (default: the latest checkpoint)."""
        with self.store.read() as tx:
            if audit_id is not None:
                leaf_index = tx.leaf_index(audit_id)
                if leaf_index is None:
                    raise Refused(404, f"record {audit_id} is not in the log")
            if leaf_index is None:
                raise Refused(400, "give leaf_index or audit_id")
            if tree_size is None:
                tree_size = (tx.latest_checkpoint() or {"treeSize": 0})["treeSize"]
            leaves = self._leaf_hashes(tx, tree_size)
        if not 0 <= leaf_index < tree_size:
            raise Refused(400, f"leaf {leaf_index} is not in a tree of size {tree_size}")
        proof = merkle.inclusion_proof(leaf_index, leaves, self._subtrees)
        return {
            "leafIndex": leaf_index,
            "treeSize": tree_size,
            "leafHash": leaves[leaf_index].hex(),
            "proof": [p.hex() for p in proof],
        }

    def consistency(self, first: int, second: int) -> dict:
        if not 0 <= first <= second:
            raise Refused(400, "need 0 <= first <= second")
        with self.store.read() as tx:
            leaves = self._leaf_hashes(tx, second)
        return {
            "first": first,
            "second": second,
            "proof": [p.hex() for p in merkle.consistency_proof(first, leaves, self._subtrees)],
        }

    # -- queries ----------------------------------------------------------------------------------
    def query(self, filters: dict, after: int | str = -1, limit: int = 100) -> dict:
        """A page of records. `after` is the `next` of the page before: a leaf index for the whole
        log (log order), "TIMESTAMP,LEAF" for a filtered query (time order)."""
        limit = max(1, min(limit, 1000))
        filtered = any(filters.values())
        with self.store.read() as tx:
            rows = tx.query(filters, _cursor(after), limit)
        items = []
        for leaf_index, audit_id, sealed in rows:
            body = json.loads(self.cipher.open(audit_id, sealed))
            item = {**body, "leafIndex": leaf_index}
            if (bundle_status := self.accepted_bundles.status(Record.model_validate(body))) is not None:
                item["policyBundleStatus"] = bundle_status
            items.append(item)
        nxt = None
        if len(rows) == limit:
            last = items[-1]
            nxt = f"{last['requestReceivedTimestamp']},{last['leafIndex']}" if filtered else last["leafIndex"]
        return {"items": items, "next": nxt}

    def log_entries(self, start: int, count: int) -> list[str]:
        """Entries start… of the log as stored (canonical record bytes), for verifying it whole:
        the verifier hashes these exact bytes, so nothing is parsed or serialised again here."""
        count = max(1, min(count, MAX_LOG_PAGE))
        with self.store.read() as tx:
            rows = tx.query({}, start - 1, count)
        return [self.cipher.open(audit_id, sealed).decode("utf-8") for _, audit_id, sealed in rows]

    def key_bindings(self) -> list[dict]:
        with self.store.read() as tx:
            return [asdict(b) for b in tx.keys()]

    def _count(self, what: str, status: str | None = None) -> None:
        if self.metrics is None:
            return
        if what == "records":
            self.metrics.records.labels(status=status).inc()
        else:
            self.metrics.keys.inc()


def _cursor(after: int | str) -> int | tuple[str | None, int]:
    if isinstance(after, int):
        return after
    ts, comma, leaf = after.rpartition(",")
    try:
        return (ts or None, int(leaf)) if comma else int(after)
    except ValueError:
        raise Refused(400, f"not a page cursor: {after!r} (pass the `next` of the page before)") from None


def _guess_id(data: bytes) -> str | None:
    try:
        value = json.loads(data).get("auditID")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None
