"""Serializers whose fields are worked out once (common/api.py, FieldsBuiltOnce): each use still has fields of its
own, bound to it, with its own context, its own errors and its own child fields, in threads too."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from rest_framework import serializers

from dvctt.common.api import FieldsBuiltOnce


class _Reading(FieldsBuiltOnce, serializers.Serializer):
    name = serializers.CharField(max_length=5, help_text="tên")
    kind = serializers.ChoiceField(choices=[("a", "A"), ("b", "B")])
    tags = serializers.ListField(child=serializers.CharField(max_length=3), required=False)
    reader = serializers.SerializerMethodField()

    def get_reader(self, obj: dict) -> str:
        return f"{self.context['reader']}:{obj['name']}"


class _Nested(FieldsBuiltOnce, serializers.Serializer):
    items = _Reading(many=True)


def test_each_use_has_fields_of_its_own_bound_to_it():
    first, second = _Reading(context={"reader": "x"}), _Reading(context={"reader": "y"})

    for name in ("name", "kind", "tags", "reader"):
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].parent is first and second.fields[name].parent is second
    assert first.fields["tags"].child is not second.fields["tags"].child
    assert first.fields["tags"].child.parent is first.fields["tags"]
    built = FieldsBuiltOnce._built[_Reading]
    assert all(
        getattr(field, "parent", None) is None for _name, field, _copy in built
    )  # the first ones stay unbound


def test_uses_read_their_own_context_and_keep_their_own_errors():
    row = {"name": "An", "kind": "a", "tags": ["x"]}
    assert _Reading(row, context={"reader": "x"}).data["reader"] == "x:An"
    assert _Reading(row, context={"reader": "y"}).data["reader"] == "y:An"

    bad = _Reading(data={"name": "too long", "kind": "c", "tags": ["long"]}, context={"reader": "x"})
    good = _Reading(data={"name": "An", "kind": "b", "tags": ["ok"]}, context={"reader": "x"})
    assert not bad.is_valid()
    assert set(bad.errors) == {"name", "kind", "tags"}
    assert good.is_valid(), good.errors
    assert good.validated_data == {"name": "An", "kind": "b", "tags": ["ok"]}
    assert not _Reading(
        data={"name": "An", "kind": "a", "tags": ["long"]}
    ).is_valid()  # the child's limit kept


def test_nested_serializers_are_made_afresh():
    rows = {"items": [{"name": "An", "kind": "a"}, {"name": "Bình", "kind": "b"}]}
    first, second = _Nested(rows, context={"reader": "x"}), _Nested(rows, context={"reader": "y"})

    assert first.fields["items"] is not second.fields["items"]
    assert [i["reader"] for i in first.data["items"]] == ["x:An", "x:Bình"]
    assert [i["reader"] for i in second.data["items"]] == ["y:An", "y:Bình"]


def test_uses_in_threads_do_not_see_each_other():
    def read(reader: str) -> list[str]:
        return [
            _Reading({"name": str(i), "kind": "a"}, context={"reader": reader}).data["reader"]
            for i in range(200)
        ]

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(read, ["a", "b", "c", "d"]))

    for reader, values in zip("abcd", results, strict=True):
        assert values == [f"{reader}:{i}" for i in range(200)]


def test_a_length_message_follows_each_uses_language():
    """DRF formats a length message once and keeps it: such a field is made again for each use."""
    from django.utils import translation

    with translation.override("vi"):
        vi = _Reading(data={"name": "quá dài", "kind": "a"})
        assert not vi.is_valid()
        vi_message = str(vi.errors["name"][0])
    with translation.override("en"):
        en = _Reading(data={"name": "too long", "kind": "a"})
        assert not en.is_valid()
        en_message = str(en.errors["name"][0])

    assert en_message == "Ensure this field has no more than 5 characters."
    assert vi_message != en_message and "5" in vi_message
