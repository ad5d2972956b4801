#!/usr/bin/env python3
"""A synthetic CASE framework for the benchmark: ITEMS CFItems in a tree
(isChildOf, sequenceNumber) plus as many exactMatchOf / isRelatedTo
associations again, so ASSOCIATIONS = 2 * ITEMS by default. Deterministic
(UUIDs are derived from a counter), so runs compare."""
import argparse
import json
import uuid

NS = uuid.UUID("6f1c2a4e-9b3d-4c8e-a1f0-2d3e4f5a6b7c")


def uid(kind, n):
    return str(uuid.uuid5(NS, f"{kind}-{n}"))


def link(identifier, title):
    return {"title": title, "identifier": identifier,
            "uri": f"https://frameworks.example.org/uri/{identifier}"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--items", type=int, default=20000)
    ap.add_argument("--associations", type=int, default=None)
    args = ap.parse_args()
    items = args.items
    extra = (args.associations or 2 * items) - items
    doc_id = uid("doc", 0)
    when = "2025-06-01T12:00:00.000Z"
    doc = {"identifier": doc_id, "uri": f"https://frameworks.example.org/uri/{doc_id}",
           "creator": "Benchmark State DOE", "title": "Benchmark Mathematics",
           "lastChangeDateTime": when, "caseVersion": "1.1",
           "adoptionStatus": "Implemented", "language": "en"}
    cf_items, assocs = [], []
    for n in range(items):
        i = uid("item", n)
        grade = f"{(n % 12) + 1:02d}"
        cf_items.append({
            "identifier": i, "uri": f"https://frameworks.example.org/uri/{i}",
            "fullStatement": f"Students demonstrate competency {n}: reason "
                             f"about ratios and rates in context {n % 97}.",
            "humanCodingScheme": f"M.{grade}.{n}", "CFItemType": "Standard",
            "educationLevel": [grade], "language": "en",
            "lastChangeDateTime": when})
        parent = doc_id if n < 50 else uid("item", (n - 50) // 8)
        assocs.append({
            "identifier": uid("child", n), "associationType": "isChildOf",
            "uri": f"https://frameworks.example.org/uri/{uid('child', n)}",
            "originNodeURI": link(i, f"M.{grade}.{n}"),
            "destinationNodeURI": link(parent, "parent"),
            "sequenceNumber": n % 8 + 1, "lastChangeDateTime": when})
    for n in range(extra):
        a = uid("match", n)
        origin = uid("item", n % items)
        if n % 2:
            target, kind = uid("item", (n * 7 + 3) % items), "isRelatedTo"
        else:
            target, kind = uid("other", n), "exactMatchOf"
        assocs.append({
            "identifier": a, "associationType": kind,
            "uri": f"https://frameworks.example.org/uri/{a}",
            "originNodeURI": link(origin, "item"),
            "destinationNodeURI": link(target, "target"),
            "lastChangeDateTime": when})
    package = {"CFDocument": doc, "CFItems": cf_items, "CFAssociations": assocs,
               "CFDefinitions": {"CFItemTypes": [{
                   "identifier": uid("type", 0), "uri": "https://frameworks.example.org/uri/t",
                   "title": "Standard", "description": "A standard",
                   "hierarchyCode": "1", "lastChangeDateTime": when}]}}
    with open(args.out, "w") as f:
        json.dump(package, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
