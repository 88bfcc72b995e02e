"""build_import: what a live account becomes, what is skipped, and that it all loads."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from importer_world import ACCOUNT, LiveAccount

from cnamctl.importer import ImportResult, build_import, render_files, write_import
from cnamctl.manifest import BusinessProfile, CnamProfile, ManifestSet, load_manifests

N = [f"+1415200{i:04d}" for i in range(20)]


def _loaded(result: ImportResult, tmp_path: Path) -> ManifestSet:
    """What `cnamctl validate` would make of the written files (raises if invalid)."""
    write_import(render_files(result), tmp_path / "out")
    return load_manifests([tmp_path / "out"])


def _skipped(result: ImportResult) -> str:
    return "\n".join(str(s) for s in result.skipped)


def test_a_profile_with_its_cnam_products(tmp_path: Path) -> None:
    live = LiveAccount()
    for e164 in N[:3]:
        live.number(e164, lookup=True)
    bp = live.business_profile("Acme Corp", N[:8])
    live.cnam_product("acme-sales", bp, "ACME SALES", [N[2], N[0], N[1]])
    live.cnam_product("acme-support", bp, "ACME Support", N[3:5])  # lookup off
    live.cnam_product("acme-empty", bp, "ACME Empty")

    result = build_import(live.snapshot)
    manifests = _loaded(result, tmp_path)

    assert [f.name for f in result.files] == ["acme-corp.yaml"]
    assert [type(d.resource).__name__ for d in result.files[0].documents] == [
        "BusinessProfile",
        "CnamProfile",
        "CnamProfile",
        "CnamProfile",
    ]
    assert manifests.business_profiles["acme-corp"].phone_numbers == N[5:8]  # the rest is implied
    sales = manifests.cnam_profiles["acme-sales"]
    assert (sales.business_profile, sales.display_name, sales.email) == (
        "acme-corp",
        "ACME SALES",
        "trust@example.com",
    )
    assert sales.phone_numbers == N[:3]  # sorted
    assert sales.caller_name_lookup is True
    assert manifests.cnam_profiles["acme-support"].caller_name_lookup is None
    assert manifests.cnam_profiles["acme-empty"].caller_name_lookup is None  # no numbers
    assert result.skipped == [] and result.notes == []


def test_comments_name_sids_and_review_state() -> None:
    live = LiveAccount()
    bp = live.business_profile("Acme Corp")
    product = live.cnam_product(
        "acme", bp, "ACME", status="twilio-rejected", errors=({"code": 11009},)
    )
    result = build_import(live.snapshot)
    bp_doc, cnam_doc = result.files[0].documents
    assert bp_doc.comments == (f"business profile {bp}, status twilio-approved",)
    assert cnam_doc.comments[0] == f"trust product {product}, status twilio-rejected, errors 11009"
    assert cnam_doc.comments[1].startswith("display name in end user IT")


def test_business_profile_names_are_unique_slugs_and_never_caller_ids(tmp_path: Path) -> None:
    live = LiveAccount()
    for name in ("Acme Corp", "ACME corp.", "Café Ñandú", "!!!", "Caller IDs"):
        live.business_profile(name)
    live.caller_id("+14155550199", "Front desk")

    result = build_import(live.snapshot)
    _loaded(result, tmp_path)

    names = {d.resource.friendly_name: d.resource.name for f in result.files for d in f.documents
             if isinstance(d.resource, BusinessProfile)}  # fmt: skip
    assert names == {
        "!!!": "business-profile",
        "ACME corp.": "acme-corp",  # sorted by friendly name first: upper case sorts first
        "Acme Corp": "acme-corp-2",
        "Café Ñandú": "cafe-nandu",
        "Caller IDs": "caller-ids-2",
    }
    assert sorted(f.name for f in result.files) == sorted(
        [f"{n}.yaml" for n in names.values()] + ["caller-ids.yaml"]
    )


def test_business_profiles_are_pinned_by_sid_when_the_name_cannot_find_them(
    tmp_path: Path,
) -> None:
    live = LiveAccount()
    twin_a = live.business_profile("Twins")
    twin_b = live.business_profile("Twins")
    long_name = live.business_profile("L" * 65)
    padded = live.business_profile(" Padded ")
    manifests = _loaded(build_import(live.snapshot), tmp_path)

    found = {(p.friendly_name, p.sid) for p in manifests.business_profiles.values()}
    assert found == {("Twins", twin_a), ("Twins", twin_b), (None, long_name), (None, padded)}


def test_unapproved_business_profiles_are_skipped_with_their_products(tmp_path: Path) -> None:
    live = LiveAccount()
    draft = live.business_profile("Draft Co", N[:2], status="in-review")
    live.cnam_product("draft-brand", draft, "DRAFT", N[:1])
    result = build_import(live.snapshot)

    assert result.files == []
    text = _skipped(result)
    assert f"business profile 'Draft Co' ({draft}): its status is in-review" in text
    assert "CNAM product 'draft-brand'" in text and f"{draft} is not imported" in text


@pytest.mark.parametrize(
    ("name", "display_name", "email", "business_profile", "reason"),
    [
        ("Acme Sales", "ACME", "a@b.example", True, "not a valid manifest name"),
        ("x" * 65, "ACME", "a@b.example", True, "not a valid manifest name"),
        ("-acme", "ACME", "a@b.example", True, "not a valid manifest name"),
        ("acme", None, "a@b.example", True, "no cnam_information end user"),
        ("acme", "ACME", "a@b.example", False, "no business profile is assigned"),
        ("acme", "Chicago", "a@b.example", True, "displayName: "),
        ("acme", "ACME POLICE", "a@b.example", True, "displayName: "),
        ("acme", "ACME", "not-an-email", True, "email: "),
        ("acme", "ACME", None, True, "email: "),
    ],
)
def test_products_that_cannot_be_declared_are_skipped_and_their_numbers_stay_on_the_profile(
    name: str,
    display_name: str | None,
    email: str | None,
    business_profile: bool,
    reason: str,
    tmp_path: Path,
) -> None:
    live = LiveAccount()
    bp = live.business_profile("Acme Corp", N[:4])
    product = live.cnam_product(
        name, bp if business_profile else None, display_name, N[:2], email=email
    )
    result = build_import(live.snapshot)
    manifests = _loaded(result, tmp_path)

    assert manifests.cnam_profiles == {}
    assert manifests.business_profiles["acme-corp"].phone_numbers == N[:4]
    assert len(result.skipped) == 1
    assert product in result.skipped[0].what
    assert reason in result.skipped[0].reason
    assert result.skipped[0].reason.endswith("it stays as it is in Twilio")


def test_products_sharing_a_name_are_skipped_together() -> None:
    live = LiveAccount()
    bp = live.business_profile("Acme Corp", N[:4])
    old = live.cnam_product("acme", bp, "ACME", N[:2])
    new = live.cnam_product("acme", bp, "ACME NEW", status="in-review")
    result = build_import(live.snapshot)

    assert [d.resource.kind for d in result.files[0].documents] == ["BusinessProfile"]
    (skipped,) = result.skipped
    assert skipped.what == f"CNAM products named 'acme' ({old} twilio-approved, {new} in-review)"


def test_a_draft_is_imported_with_a_note() -> None:
    live = LiveAccount()
    bp = live.business_profile("Acme Corp")
    live.cnam_product("acme", bp, "ACME", status="draft")
    result = build_import(live.snapshot)
    assert result.count(CnamProfile) == 1
    assert len(result.notes) == 1 and "proposes submitting it" in result.notes[0]


def test_numbers_that_are_not_us_long_codes_are_skipped(tmp_path: Path) -> None:
    live = LiveAccount()
    odd = ["+18005550100", "+16045550100", "+442071838750", "+19005550100"]
    bp = live.business_profile("Acme Corp", [*N[:2], *odd])
    live.cnam_product("acme", bp, "ACME", [N[0], odd[0]])
    live.snapshot.business_profiles[bp].number_assignments["PN" + "f" * 32] = "RA" + "f" * 32

    result = build_import(live.snapshot)
    manifests = _loaded(result, tmp_path)

    assert manifests.cnam_profiles["acme"].phone_numbers == [N[0]]
    assert manifests.business_profiles["acme-corp"].phone_numbers == [N[1]]
    text = _skipped(result)
    assert "+18005550100 of CNAM product 'acme'" in text
    assert "+18005550100 of business profile 'Acme Corp'" in text and "toll-free" in text
    assert "+16045550100 of business profile 'Acme Corp'" in text and "Canadian" in text
    assert "+442071838750 of business profile 'Acme Corp'" in text
    assert "+19005550100 of business profile 'Acme Corp'" in text
    assert "PN" + "f" * 32 + " of business profile" in text and "not an incoming phone" in text


def test_a_number_is_declared_once_even_if_the_account_says_otherwise(tmp_path: Path) -> None:
    """Twilio keeps a number on one business profile and one CNAM product; should a
    snapshot disagree, the import still loads (first one wins, the rest is reported)."""
    live = LiveAccount()
    first = live.business_profile("A Co", N[:2])
    second = live.business_profile("B Co", N[:2])
    live.cnam_product("a-brand", first, "A BRAND", N[:1])
    live.cnam_product("b-brand", second, "B BRAND", N[:1])

    result = build_import(live.snapshot)
    manifests = _loaded(result, tmp_path)

    assert manifests.cnam_profiles["a-brand"].phone_numbers == N[:1]
    assert manifests.cnam_profiles["b-brand"].phone_numbers == []
    assert manifests.business_profiles["a-co"].phone_numbers == N[1:2]
    assert manifests.business_profiles["b-co"].phone_numbers == []
    assert "already declared by CNAM product 'a-brand'" in _skipped(result)
    assert "already declared by business profile 'a-co'" in _skipped(result)


def test_caller_ids(tmp_path: Path) -> None:
    live = LiveAccount()
    live.caller_id("+442071838750", "London office")
    live.caller_id("+14155550199", "F" * 65)  # too long to declare: left unset
    live.caller_id("+14155550198", "")
    bad = live.caller_id("+1555", "Broken")

    result = build_import(live.snapshot)
    manifests = _loaded(result, tmp_path)

    assert [f.name for f in result.files] == ["caller-ids.yaml"]
    assert {n: c.friendly_name for n, c in manifests.caller_ids.items()} == {
        "+14155550198": None,
        "+14155550199": None,
        "+442071838750": "London office",
    }
    assert [d.resource.phone_number for d in result.files[0].documents] == sorted(
        manifests.caller_ids
    )
    assert bad in _skipped(result) and "not a valid phone number" in _skipped(result)


def test_the_order_twilio_lists_things_in_does_not_matter() -> None:
    live = LiveAccount()
    for name in ("Zeta", "Alpha", "Mid"):
        bp = live.business_profile(name, N[:0])
    live.cnam_product("z-brand", bp, "Z BRAND")
    live.cnam_product("a-brand", bp, "A BRAND")
    live.caller_id("+14155550199", "B")
    live.caller_id("+14155550100", "A")
    snapshot = live.snapshot
    shuffled = replace(
        snapshot,
        **{
            group: dict(reversed(getattr(snapshot, group).items()))
            for group in ("numbers", "business_profiles", "trust_products", "end_users",
                          "caller_ids")
        },
    )  # fmt: skip

    texts = render_files(build_import(snapshot))
    assert texts == render_files(build_import(shuffled))
    assert list(texts) == ["alpha.yaml", "mid.yaml", "zeta.yaml", "caller-ids.yaml"]
    assert texts["mid.yaml"].index("name: a-brand") < texts["mid.yaml"].index("name: z-brand")
    assert all(
        text.startswith(f"# Imported from Twilio account {ACCOUNT}") for text in texts.values()
    )
