"""The catalog's exchange format (docs/catalog-format.md), used by files and the API alike."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from xinyong.catalog.rules import forbidden_term
from xinyong.core.api import MAX_INT32
from xinyong.core.citations import cite_en
from xinyong.core.labels import SECTOR_NAMES
from xinyong.models import Category, Disclosure

FieldType = Literal[
    "string", "text", "date", "decimal", "integer", "credit_code", "id_number", "enum"
]
ActType = Literal[
    "licensing",
    "penalty",
    "compulsion",
    "confirmation",
    "levy",
    "payment",
    "adjudication",
    "compensation",
    "reward",
    "inspection",
]
# The sectors a department belongs to and a catalog item names as its sources.
SECTORS = frozenset(SECTOR_NAMES)


class FieldSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    label: str = Field(min_length=1, max_length=100)
    type: FieldType
    required: bool = False
    values: list[str] | None = None
    # Bounded like every number in a body (core/api.py); a real field is far shorter.
    max_length: int | None = Field(default=None, gt=0, le=MAX_INT32)

    @model_validator(mode="after")
    def _check(self) -> FieldSpec:
        if self.type == "enum" and not self.values:
            raise ValueError(f"enum field {self.name} needs values")
        term = forbidden_term(self.name) or forbidden_term(self.label)
        if term:
            # Measures art. 14: such data may not be collected at all.
            raise ValueError(
                f"field {self.name} names forbidden data ({term}), {cite_en('Measures art. 14')}"
            )
        return self


class LinkSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["legal_representative", "principal", "actual_controller", "shareholder"]
    name_field: str
    id_field: str


class ItemSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,63}$")
    name: str = Field(min_length=1, max_length=200)
    category: Category
    disclosure: Disclosure
    subject_types: list[Literal["organisation", "person"]] = Field(min_length=1)
    sources: list[str] = Field(min_length=1)
    update_cycle: Literal["realtime", "daily", "weekly", "monthly", "quarterly", "yearly"]
    legal_validity_years: int | None = Field(default=None, gt=0, le=100)
    legal_validity_basis: str | None = None
    retention_years: int = Field(gt=0, le=100)
    legal_basis: str = Field(min_length=1)
    act_type: ActType | None = None
    decision_date_field: str | None = None
    registers_subject: bool = False
    links: list[LinkSpec] = []
    fields: list[FieldSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> ItemSpec:
        term = forbidden_term(self.code) or forbidden_term(self.name)
        if term:
            raise ValueError(
                f"item {self.code} names forbidden data ({term}), {cite_en('Measures art. 14')}"
            )
        unknown = set(self.sources) - SECTORS
        if unknown:
            raise ValueError(f"unknown source sectors: {sorted(unknown)}")
        by_name = {f.name: f for f in self.fields}
        if len(by_name) != len(self.fields):
            raise ValueError(f"item {self.code} has duplicate field names")
        if self.decision_date_field and by_name.get(self.decision_date_field) is None:
            raise ValueError(f"decision_date_field {self.decision_date_field} is not a field")
        if self.decision_date_field and by_name[self.decision_date_field].type != "date":
            raise ValueError(f"decision_date_field {self.decision_date_field} is not a date")
        for link in self.links:
            id_field = by_name.get(link.id_field)
            if id_field is None or id_field.type != "id_number" or link.name_field not in by_name:
                raise ValueError(f"link {link.role} must name an id_number field and a name field")
        if self.legal_validity_years and self.category != Category.negative:
            raise ValueError("legal_validity_years applies to negative items only")
        return self


class CatalogIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    notes: str | None = None
    items: list[ItemSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> CatalogIn:
        codes = [i.code for i in self.items]
        if len(set(codes)) != len(codes):
            raise ValueError("item codes must be unique in a catalog version")
        return self


class CatalogItemOut(ItemSpec):
    model_config = ConfigDict(extra="ignore")


class CatalogVersionOut(BaseModel):
    number: int
    title: str
    status: str
    created_at: datetime
    published_at: datetime | None
    notes: str | None = None


class CatalogOut(CatalogVersionOut):
    items: list[CatalogItemOut]
