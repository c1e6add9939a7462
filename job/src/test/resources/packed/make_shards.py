"""Writes WebDataset shards of the sample images with Python's own tarfile, a writer independent
of the job's reader, and prints what it wrote: one line per image sample, KEY<TAB>SOURCE FILE.

    make_shards.py IMAGES OUT

train/shard-000.tar (PAX headers): the first four images, each with a .json member beside it,
the first under a 120-character folder (a name only PAX can hold); a sample with no image; a
member that is not an image at all (broken.jpg); the second image's member again (a duplicate
key). train/shard-001.tar (GNU format): the other images, then cut.png, cut inside its data.
"""
import io
import json
import os
import sys
import tarfile


def add(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0
    tar.addfile(info, io.BytesIO(data))


def main(images, out):
    files = sorted(os.path.relpath(os.path.join(d, f), images) for d, _, fs in os.walk(images) for f in fs)
    os.makedirs(os.path.join(out, "train"), exist_ok=True)
    written = []
    first = os.path.join(out, "train", "shard-000.tar")
    with tarfile.open(first, "w", format=tarfile.PAX_FORMAT) as tar:
        for i, f in enumerate(files[:4]):
            base = ("x" * 120 + "/" if i == 0 else "") + "s%04d" % i
            name = base + "." + f.rsplit(".", 1)[1]
            add(tar, base + ".json", json.dumps({"source": f}).encode())
            add(tar, name, open(os.path.join(images, f), "rb").read())
            written.append(("train/shard-000/" + name, f))
        add(tar, "text-only.txt", b"a sample without an image")
        add(tar, "broken.jpg", b"not a jpeg at all")
        again = written[1][0].split("/", 2)[2]
        add(tar, again, open(os.path.join(images, files[0]), "rb").read())
    second = os.path.join(out, "train", "shard-001.tar")
    with tarfile.open(second, "w", format=tarfile.GNU_FORMAT) as tar:
        for i, f in enumerate(files[4:]):
            name = "s%04d.%s" % (i, f.rsplit(".", 1)[1])
            add(tar, name, open(os.path.join(images, f), "rb").read())
            written.append(("train/shard-001/" + name, f))
        add(tar, "cut.png", open(os.path.join(images, files[0]), "rb").read())
    with tarfile.open(second) as tar:
        cut = tar.getmember("cut.png")
        end = cut.offset_data + cut.size // 2
    with open(second, "r+b") as f:
        f.truncate(end)
    for key, f in written:
        print(key + "\t" + f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
