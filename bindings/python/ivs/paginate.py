"""Paginators with botocore's interface and semantics (botocore.paginate): pages fetched lazily one
call at a time, PaginationConfig (MaxItems, PageSize, StartingToken), resume tokens in botocore's
encoding (base64 of JSON, with boto_truncate_amount when MaxItems cut a page), build_full_result()
and search(). The paginator of each operation (tokens, limit key, result keys) comes from
ivs_describe, which knows every paginated operation, including those botocore declares none for.
"""
from __future__ import annotations

import base64
import itertools
import json
from typing import Generator, TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Optional, Tuple

from . import exceptions

if TYPE_CHECKING:
    from .model import Operation, ServiceModel


def _encode_token(token: Dict[str, Any]) -> str:
    return base64.b64encode(json.dumps(token).encode("utf-8")).decode("utf-8")


def _decode_token(text: str) -> Any:
    return json.loads(base64.b64decode(text.encode("utf-8")).decode("utf-8"))


def _get(data: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _set(data: Dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        data = data.setdefault(part, {})
    data[parts[-1]] = value


class Paginator:
    """client.get_paginator(name): paginate(**kwargs) returns a PageIterator."""

    def __init__(self, method: Callable[..., Dict[str, Any]], operation: Operation,
                 service_model: ServiceModel) -> None:
        self._method = method
        self._operation = operation
        p = operation.paginator or {}
        self._input_token = [p["inputToken"]] if isinstance(p["inputToken"], str) else list(p["inputToken"])
        self._output_token = [p["outputToken"]] if isinstance(p["outputToken"], str) else list(p["outputToken"])
        self._limit_key: Optional[str] = p.get("limitKey")
        self._result_keys: List[str] = list(p.get("resultKeys") or [])
        self._limit_type: Optional[str] = None
        if self._limit_key and operation.input:
            member = service_model.members(operation.input).get(self._limit_key)
            if member:
                self._limit_type = service_model.shapes.get(member["shape"], {}).get("type")

    @property
    def result_keys(self) -> List[str]:
        return list(self._result_keys)

    def paginate(self, **kwargs: Any) -> "PageIterator":
        config = kwargs.pop("PaginationConfig", None) or {}
        max_items = config.get("MaxItems")
        if max_items is not None:
            max_items = int(max_items)
        page_size = config.get("PageSize")
        if page_size is not None:
            if self._limit_key is None:
                raise exceptions.PaginationError(
                    message="PageSize parameter is not supported for the pagination interface for this operation.")
            page_size = str(page_size) if self._limit_type == "string" else int(page_size)
        return PageIterator(self._method, self._input_token, self._output_token, self._result_keys,
                            self._limit_key, max_items, config.get("StartingToken"), page_size, kwargs)


class PageIterator:
    """An iterable of pages (each a response dict, as the method returns it). Iterate it again to
    fetch the pages again."""

    def __init__(self, method: Callable[..., Dict[str, Any]], input_token: List[str], output_token: List[str],
                 result_keys: List[str], limit_key: Optional[str], max_items: Optional[int],
                 starting_token: Optional[str], page_size: Any, op_kwargs: Dict[str, Any]) -> None:
        self._method = method
        self._input_token = input_token
        self._output_token = output_token
        self._result_keys = result_keys
        self._limit_key = limit_key
        self._max_items = max_items
        self._starting_token = starting_token
        self._page_size = page_size
        self._op_kwargs = op_kwargs
        self._resume_token: Optional[str] = None

    @property
    def result_keys(self) -> List[str]:
        return list(self._result_keys)

    @property
    def resume_token(self) -> Optional[str]:
        """The token to resume with (StartingToken) when MaxItems stopped the iteration."""
        return self._resume_token

    @resume_token.setter
    def resume_token(self, value: Any) -> None:
        if not isinstance(value, dict):
            raise ValueError(f"Bad starting token: {value}")
        keys = sorted(self._input_token + (["boto_truncate_amount"] if "boto_truncate_amount" in value else []))
        if keys != sorted(value):
            raise ValueError(f"Bad starting token: {value}")
        self._resume_token = _encode_token(value)

    @property
    def non_aggregate_part(self) -> Dict[str, Any]:
        return {}

    def _parse_starting_token(self) -> Tuple[Dict[str, Any], int]:
        assert self._starting_token is not None
        try:
            token = _decode_token(self._starting_token)
            if not isinstance(token, dict):
                raise ValueError
            index = token.pop("boto_truncate_amount", 0)
            return token, index
        except (ValueError, TypeError, UnicodeDecodeError):
            # botocore's older format: the tokens joined with "___", then an optional index.
            parts = self._starting_token.split("___")
            index = 0
            if len(parts) == len(self._input_token) + 1:
                try:
                    index = int(parts.pop())
                except ValueError:
                    parts = [self._starting_token]
            if len(parts) > len(self._input_token):
                raise ValueError(f"Bad starting token: {self._starting_token}") from None
            values = [None if p == "None" else p for p in parts]
            values += [None] * (len(self._input_token) - len(values))
            return dict(zip(self._input_token, values)), index

    @staticmethod
    def _inject_token(kwargs: Dict[str, Any], next_token: Dict[str, Any]) -> None:
        for name, token in next_token.items():
            if token is not None and token != "None":
                kwargs[name] = token
            else:
                kwargs.pop(name, None)

    def __iter__(self) -> Iterator[Dict[str, Any]]:
        steps = self._steps()
        response: Optional[Dict[str, Any]] = None
        while True:
            try:
                kind, value = steps.send(response)
            except StopIteration:
                return
            if kind == "call":
                response = self._method(**value)
            else:
                response = None
                yield value

    def _steps(self) -> Generator[Tuple[str, Dict[str, Any]], Optional[Dict[str, Any]], None]:
        """The pagination itself, without I/O: yields ("call", kwargs) and is sent the page that call
        returned, and yields ("page", page) for each page to hand out. The blocking iterator above and
        ivs.aio's async one drive the same steps."""
        kwargs = dict(self._op_kwargs)
        self._resume_token = None
        next_token: Dict[str, Any] = {key: None for key in self._input_token}
        starting_truncation = 0
        if self._starting_token is not None:
            next_token, starting_truncation = self._parse_starting_token()
            self._inject_token(kwargs, next_token)
        if self._page_size is not None and self._limit_key is not None:
            kwargs[self._limit_key] = self._page_size
        primary = self._result_keys[0] if self._result_keys else None
        previous_next_token: Optional[Dict[str, Any]] = None
        total_items = 0
        first = True
        while True:
            page = yield ("call", kwargs)
            assert page is not None
            if first:
                if starting_truncation:
                    self._truncate_first_page(page, primary, starting_truncation)
                first = False
            else:
                starting_truncation = 0
            current = (_get(page, primary) if primary else None) or []
            truncate_amount = 0
            if self._max_items is not None:
                truncate_amount = total_items + len(current) - self._max_items
            if truncate_amount > 0 and primary is not None:
                keep = len(current) - truncate_amount
                _set(page, primary, current[:keep])
                next_token["boto_truncate_amount"] = keep + starting_truncation
                self.resume_token = next_token
                yield ("page", page)
                break
            yield ("page", page)
            total_items += len(current)
            next_token = {}
            for out_key, in_key in zip(self._output_token, self._input_token):
                next_token[in_key] = _get(page, out_key) or None
            if all(t is None for t in next_token.values()):
                break
            if self._max_items is not None and total_items == self._max_items:
                self.resume_token = next_token
                break
            if previous_next_token is not None and previous_next_token == next_token:
                raise exceptions.PaginationError(message=f"The same next token was received twice: {next_token}")
            self._inject_token(kwargs, next_token)
            previous_next_token = next_token

    def _truncate_first_page(self, page: Dict[str, Any], primary: Optional[str], starting_truncation: int) -> None:
        if primary is None:
            return
        data = _get(page, primary)
        _set(page, primary, data[starting_truncation:] if isinstance(data, (list, str)) else None)
        for key in self._result_keys[1:]:
            sample = _get(page, key)
            empty: Any
            if isinstance(sample, list):
                empty = []
            elif isinstance(sample, str):
                empty = ""
            elif isinstance(sample, (int, float)):
                empty = sample
            else:
                empty = None
            _set(page, key, empty)

    def build_full_result(self) -> Dict[str, Any]:
        """Every page's result lists joined into one dict (no ResponseMetadata), plus NextToken when
        MaxItems stopped early."""
        result: Dict[str, Any] = {}
        for page in self:
            self._accumulate(result, page)
        return self._finish_result(result)

    def _accumulate(self, result: Dict[str, Any], page: Dict[str, Any]) -> None:
        for key in self._result_keys:
            value = _get(page, key)
            if value is None:
                continue
            existing = _get(result, key)
            if existing is None:
                _set(result, key, value)
            elif isinstance(value, list):
                existing.extend(value)
            elif isinstance(value, (int, float, str)):
                _set(result, key, existing + value)

    def _finish_result(self, result: Dict[str, Any]) -> Dict[str, Any]:
        if self._resume_token is not None:
            result["NextToken"] = self._resume_token
        return result

    def search(self, expression: str) -> Iterator[Any]:
        """Applies a JMESPath expression to every page (needs the jmespath package, as botocore)."""
        import jmespath  # type: ignore[import-untyped,unused-ignore]
        compiled = jmespath.compile(expression)
        for page in self:
            found = compiled.search(page)
            if isinstance(found, list):
                yield from found
            else:
                yield found

    def result_key_iters(self) -> List[Iterator[Any]]:
        teed = itertools.tee(self, len(self._result_keys))
        return [(item for page in pages for item in (_get(page, key) or []))
                for pages, key in zip(teed, self._result_keys)]
