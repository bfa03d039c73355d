"""Paginators with botocore's interface and semantics (botocore.paginate): pages fetched lazily one
call at a time, PaginationConfig (MaxItems, PageSize, StartingToken), resume tokens in botocore's
encoding (base64 of JSON, with boto_truncate_amount when MaxItems cut a page), build_full_result()
and search(). The paginator of each operation (tokens, limit key, result keys) comes from
ivs_describe, which knows every paginated operation, including those botocore declares none for.
"""
import base64
import json

from . import exceptions


def _encode_token(token):
    return base64.b64encode(json.dumps(token).encode("utf-8")).decode("utf-8")


def _decode_token(text):
    return json.loads(base64.b64decode(text.encode("utf-8")).decode("utf-8"))


def _get(data, path):
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _set(data, path, value):
    parts = path.split(".")
    for part in parts[:-1]:
        data = data.setdefault(part, {})
    data[parts[-1]] = value


class Paginator:
    """client.get_paginator(name): paginate(**kwargs) returns a PageIterator."""

    PAGE_ITERATOR_CLS = None  # set below

    def __init__(self, method, operation, service_model):
        self._method = method
        self._operation = operation
        p = operation.paginator
        self._input_token = [p["inputToken"]] if isinstance(p["inputToken"], str) else list(p["inputToken"])
        self._output_token = [p["outputToken"]] if isinstance(p["outputToken"], str) else list(p["outputToken"])
        self._limit_key = p.get("limitKey")
        self._result_keys = list(p.get("resultKeys") or [])
        self._limit_type = None
        if self._limit_key and operation.input:
            member = service_model.members(operation.input).get(self._limit_key)
            if member:
                self._limit_type = service_model.shapes.get(member["shape"], {}).get("type")

    @property
    def result_keys(self):
        return list(self._result_keys)

    def paginate(self, **kwargs):
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

    def __init__(self, method, input_token, output_token, result_keys, limit_key, max_items,
                 starting_token, page_size, op_kwargs):
        self._method = method
        self._input_token = input_token
        self._output_token = output_token
        self._result_keys = result_keys
        self._limit_key = limit_key
        self._max_items = max_items
        self._starting_token = starting_token
        self._page_size = page_size
        self._op_kwargs = op_kwargs
        self._resume_token = None

    @property
    def result_keys(self):
        return list(self._result_keys)

    @property
    def resume_token(self):
        """The token to resume with (StartingToken) when MaxItems stopped the iteration."""
        return self._resume_token

    @resume_token.setter
    def resume_token(self, value):
        if not isinstance(value, dict):
            raise ValueError(f"Bad starting token: {value}")
        keys = sorted(self._input_token + (["boto_truncate_amount"] if "boto_truncate_amount" in value else []))
        if keys != sorted(value):
            raise ValueError(f"Bad starting token: {value}")
        self._resume_token = _encode_token(value)

    @property
    def non_aggregate_part(self):
        return {}

    def _parse_starting_token(self):
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
    def _inject_token(kwargs, next_token):
        for name, token in next_token.items():
            if token is not None and token != "None":
                kwargs[name] = token
            else:
                kwargs.pop(name, None)

    def __iter__(self):
        kwargs = dict(self._op_kwargs)
        self._resume_token = None
        next_token = {key: None for key in self._input_token}
        starting_truncation = 0
        if self._starting_token is not None:
            next_token, starting_truncation = self._parse_starting_token()
            self._inject_token(kwargs, next_token)
        if self._page_size is not None:
            kwargs[self._limit_key] = self._page_size
        primary = self._result_keys[0] if self._result_keys else None
        previous_next_token = None
        total_items = 0
        first = True
        while True:
            page = self._method(**kwargs)
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
            if truncate_amount > 0:
                keep = len(current) - truncate_amount
                _set(page, primary, current[:keep])
                next_token["boto_truncate_amount"] = keep + starting_truncation
                self.resume_token = next_token
                yield page
                break
            yield page
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

    def _truncate_first_page(self, page, primary, starting_truncation):
        data = _get(page, primary)
        _set(page, primary, data[starting_truncation:] if isinstance(data, (list, str)) else None)
        for key in self._result_keys[1:]:
            sample = _get(page, key)
            if isinstance(sample, list):
                empty = []
            elif isinstance(sample, str):
                empty = ""
            elif isinstance(sample, (int, float)):
                empty = sample
            else:
                empty = None
            _set(page, key, empty)

    def build_full_result(self):
        """Every page's result lists joined into one dict (no ResponseMetadata), plus NextToken when
        MaxItems stopped early."""
        result = {}
        for page in self:
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
        if self._resume_token is not None:
            result["NextToken"] = self._resume_token
        return result

    def search(self, expression):
        """Applies a JMESPath expression to every page (needs the jmespath package, as botocore)."""
        import jmespath  # type: ignore[import-untyped]
        compiled = jmespath.compile(expression)
        for page in self:
            found = compiled.search(page)
            if isinstance(found, list):
                yield from found
            else:
                yield found

    def result_key_iters(self):
        import itertools
        teed = itertools.tee(self, len(self._result_keys))
        return [(item for page in pages for item in (_get(page, key) or []))
                for pages, key in zip(teed, self._result_keys)]
