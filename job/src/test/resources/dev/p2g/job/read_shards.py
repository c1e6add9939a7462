"""Lists the members of WebDataset tar shards with Python's own tarfile, as a reader
independent of the job's TarWriter: one JSON object per shard on stdout, each member with its
size, SHA-256 and, for .json members, the parsed content."""
import hashlib
import json
import sys
import tarfile

for path in sys.argv[1:]:
    members = []
    with tarfile.open(path, mode="r:") as tar:  # plain tar, no compression
        for m in tar:
            if not m.isfile():
                raise SystemExit(f"{path}: member {m.name} is not a regular file")
            data = tar.extractfile(m).read()
            entry = {"name": m.name, "size": m.size, "sha256": hashlib.sha256(data).hexdigest()}
            if m.name.endswith(".json"):
                entry["json"] = json.loads(data)
            members.append(entry)
    print(json.dumps({"path": path, "members": members}))
