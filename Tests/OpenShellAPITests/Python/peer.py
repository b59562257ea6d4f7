#!/usr/bin/env python3
"""The Python protobuf runtime as a peer for the Swift codec's tests.

Usage: peer.py <generated-dir> encode
           prints JSON {"cases": {name: hex}, "aux": {name: hex}}: every case encoded by Python.
       peer.py <generated-dir> accepts
           reads JSON {label: hex} on stdin and prints JSON {label: bool}: whether Python decodes
           each as openshell.testing.AllTypes without error.
       peer.py <generated-dir> check
           reads JSON {name: hex} on stdin (bytes the Swift encoder wrote), decodes each with
           Python and compares it field by field with the case's expected message; prints JSON
           {name: [mismatch, ...]} and exits 1 when any case has a mismatch.

The values here are mirrored by Tests/OpenShellAPITests/TestSupport/Fixtures.swift; a value
changed on one side only makes the tests fail, never pass.
"""
import json
import math
import struct
import sys

sys.path.insert(0, sys.argv[1])

from google.protobuf import unknown_fields  # noqa: E402
from openshell.datamodel.v1 import datamodel_pb2 as dm  # noqa: E402
from openshell.inference.v1 import inference_pb2 as inf  # noqa: E402
from openshell.sandbox.v1 import sandbox_pb2 as sb  # noqa: E402
from openshell.v1 import openshell_pb2 as api  # noqa: E402
import extended_pb2 as ext  # noqa: E402
import testing_pb2 as t  # noqa: E402

U64_MAX = 2**64 - 1
I64_MIN = -(2**63)
I64_MAX = 2**63 - 1
MERGE_OP_HEX = ["12036f6c64", "2807"]
ENDPOINT_UNKNOWN_HEX = "3a0178a00601"
RESPONSE_UNKNOWN_HEX = "9d0601020304c13e0102030405060708faffffff0f026869"


def rule_github():
    return sb.NetworkPolicyRule(
        name="github",
        endpoints=[
            sb.NetworkEndpoint(
                host="api.github.com", port=443, protocol="rest", tls="terminate",
                enforcement="enforce", access="read-only",
                allowed_ips=["140.82.112.0/20", "192.30.252.0/22"],
                ports=[443, 8443, 70000, 0], path="/repos"),
            sb.NetworkEndpoint(host="*.githubusercontent.com"),
        ],
        binaries=[sb.NetworkBinary(path="/usr/bin/git"), sb.NetworkBinary(path="/usr/bin/curl")])


def policy():
    return sb.SandboxPolicy(
        version=3,
        filesystem=sb.FilesystemPolicy(
            include_workdir=True, read_only=["/usr", "/etc"], read_write=["/sandbox", "/tmp"]),
        landlock=sb.LandlockPolicy(compatibility="best_effort"),
        process=sb.ProcessPolicy(run_as_user="sandbox", run_as_group="sandbox"),
        network_policies={
            "github": rule_github(),
            "pypi": sb.NetworkPolicyRule(
                name="pypi",
                endpoints=[sb.NetworkEndpoint(host="pypi.org", port=443, ports=[4294967295])]),
        })


def update_config_request():
    msg = api.UpdateConfigRequest(
        name="sandbox-1", policy=policy(), setting_key="log.level",
        setting_value=sb.SettingValue(int_value=-1), delete_setting=True)
    setattr(msg, "global", True)
    for raw in MERGE_OP_HEX:
        op = msg.merge_operations.add()
        op.MergeFromString(bytes.fromhex(raw))
    return msg


def get_sandbox_config_response():
    msg = sb.GetSandboxConfigResponse(
        policy=policy(), version=4294967295, policy_hash="ab" * 32,
        config_revision=U64_MAX, policy_source=sb.POLICY_SOURCE_GLOBAL,
        global_policy_version=12, provider_env_revision=1)
    msg.settings["log.level"].value.string_value = "debug"
    msg.settings["log.level"].scope = sb.SETTING_SCOPE_SANDBOX
    msg.settings["proxy.enabled"].value.bool_value = False
    msg.settings["proxy.enabled"].scope = sb.SETTING_SCOPE_GLOBAL
    msg.settings["retries"].value.int_value = I64_MIN
    msg.settings["retries"].scope = 7
    msg.settings["blob"].value.bytes_value = b"\x00\xff"
    msg.settings["empty"].SetInParent()
    return msg


def get_gateway_config_response():
    msg = sb.GetGatewayConfigResponse(settings_revision=5)
    msg.settings["a"].string_value = ""
    msg.settings["b"].bytes_value = b""
    msg.settings["c"].SetInParent()
    return msg


def sandbox_log_line():
    return api.SandboxLogLine(
        sandbox_id="sb-1", timestamp_ms=I64_MIN, level="INFO", target="openshell::proxy",
        message="h\u00e9llo \u2192 \u4e16\u754c \U0001F680", source="sandbox",
        fields={"": "empty key", "pid": "42", "path": "/tmp/\u00fc"})


def push_sandbox_logs_request():
    return api.PushSandboxLogsRequest(
        sandbox_id="sb-1",
        logs=[sandbox_log_line(), api.SandboxLogLine(message="second", timestamp_ms=1700000000000)])


def object_meta(id_, name, created, labels):
    return dm.ObjectMeta(id=id_, name=name, created_at_ms=created, labels=labels)


def provider():
    return dm.Provider(
        metadata=object_meta("prov-1", "openai", 1700000000123, {"team": "infra", "env": "prod"}),
        type="openai", credentials={"OPENAI_API_KEY": "sk-test", "ORG": ""},
        config={"base_url": "https://api.openai.com/v1"})


def sandbox():
    return api.Sandbox(
        metadata=object_meta("sb-1", "dev", 1, {"a": "b"}),
        spec=api.SandboxSpec(
            log_level="debug", environment={"HOME": "/sandbox", "LANG": "C.UTF-8"},
            policy=policy(), providers=["openai", "github"]),
        phase=api.SANDBOX_PHASE_READY, current_policy_version=3)


def get_inference_bundle_response():
    return inf.GetInferenceBundleResponse(
        routes=[
            inf.ResolvedRoute(
                name="default", base_url="https://api.example.com/v1",
                protocols=["openai_chat_completions", "openai_responses"], api_key="key-1",
                model_id="gpt-x", provider_type="openai", timeout_secs=U64_MAX),
            inf.ResolvedRoute(name="local"),
        ],
        revision="rev-9", generated_at_ms=-1)


def report_policy_status_request():
    return api.ReportPolicyStatusRequest(
        sandbox_id="sb-1", version=2, status=api.POLICY_STATUS_FAILED,
        load_error="landlock unsupported")


def report_policy_status_unknown():
    return api.ReportPolicyStatusRequest(sandbox_id="sb-2", status=42)


def policy_chunk():
    return api.PolicyChunk(
        id="c1", status="pending", rule_name="github", proposed_rule=rule_github(),
        rationale="git fetch was denied", confidence=0.75, created_at_ms=1700000000000,
        decided_at_ms=-5)


def denial_summary():
    return api.DenialSummary(
        sandbox_id="sb-1", host="evil.example", port=65535, binary="/usr/bin/curl",
        deny_reason="not in policy", count=4294967295)


def all_types_max():
    msg = t.AllTypes(
        f_int32=2**31 - 1, f_int64=I64_MAX, f_uint32=2**32 - 1, f_uint64=U64_MAX,
        f_sint32=2**31 - 1, f_sint64=I64_MAX, f_fixed32=2**32 - 1, f_fixed64=U64_MAX,
        f_sfixed32=2**31 - 1, f_sfixed64=I64_MAX, f_float=3.4028234663852886e38,
        f_double=1.7976931348623157e308, f_bool=True, f_string="max \u2713",
        f_bytes=bytes(range(256)), f_enum=t.COLOR_BLUE,
        child=t.AllTypes(f_int32=1, child=t.AllTypes(f_string="grandchild")),
        r_int32=[0, 1, -1, 2**31 - 1, -(2**31)], r_sint64=[0, -1, 1, I64_MIN, I64_MAX],
        r_fixed32=[0, 2**32 - 1], r_double=[0.0, -0.0, 1.5, math.inf],
        r_bool=[True, False, True], r_enum=[1, 0, 3, 99], r_string=["", "a", "\u00fc"],
        children=[t.AllTypes(), t.AllTypes(f_bool=True)], r_uint64=[0, U64_MAX, 300],
        r_float=[0.5, -2.25], o_message=t.AllTypes(f_uint32=7))
    msg.m_int32_string.update({-1: "minus one", 0: "", 2**31 - 1: "max"})
    msg.m_string_message["k"].f_sint32 = -3
    msg.m_string_message[""].SetInParent()
    msg.m_uint64_bytes.update({U64_MAX: b"\x01", 0: b""})
    msg.m_sint32_enum.update({-(2**31): t.COLOR_RED, 5: 42})
    return msg


def all_types_min():
    return t.AllTypes(
        f_int32=-(2**31), f_int64=I64_MIN, f_uint32=1, f_sint32=-(2**31), f_sint64=I64_MIN,
        f_sfixed32=-(2**31), f_sfixed64=I64_MIN, f_float=-1.401298464324817e-45,
        f_double=-5e-324, f_enum=-1, o_string="")


def all_types_special():
    return t.AllTypes(
        f_float=math.nan, f_double=-math.inf, f_int32=-1,
        r_float=[math.inf, -math.inf, math.nan, -0.0], r_double=[math.nan], o_uint32=0)


def unpacked_types():
    return t.UnpackedTypes(
        r_int32=[0, 1, -1, 2**31 - 1, -(2**31)], r_sint64=[0, -1, 1, I64_MIN, I64_MAX],
        r_fixed32=[0, 2**32 - 1], r_double=[0.0, -0.0, 1.5, math.inf],
        r_bool=[True, False, True], r_enum=[1, 0, 3, 99], r_uint64=[0, U64_MAX, 300],
        r_float=[0.5, -2.25])


def ext_endpoint():
    return ext.ExtNetworkEndpoint(
        host="api.github.com", port=443, protocol="rest", tls="terminate",
        enforcement="enforce", access="read-only", rules_ref="ref-7",
        allowed_ips=["10.0.0.0/8"], ports=[443, 8443], weight=-3,
        inner=ext.ExtInner(note="n"), flags=0xDEADBEEF, ratio=0.5, extra_ports=[1, 2, 3],
        path="/v1", annotations={"x": "y", "a": "b"})


def ext_endpoint_unknown_only():
    return ext.ExtNetworkEndpoint(
        rules_ref="ref-7", weight=-3, inner=ext.ExtInner(note="n"), flags=0xDEADBEEF,
        ratio=0.5, extra_ports=[1, 2, 3], annotations={"x": "y", "a": "b"})


def ext_rule():
    return ext.ExtNetworkPolicyRule(
        name="github",
        endpoints=[ext_endpoint(), ext.ExtNetworkEndpoint(host="h2", rules_ref="r")],
        binaries=[sb.NetworkBinary(path="/usr/bin/git")], priority=5)


def ext_sandbox_policy():
    return ext.ExtSandboxPolicy(
        version=3,
        filesystem=sb.FilesystemPolicy(include_workdir=True, read_only=["/usr"]),
        process=sb.ProcessPolicy(run_as_user="sandbox"),
        network_policies={"github": ext_rule(), "z": ext.ExtNetworkPolicyRule(name="z", priority=9)},
        comment="from a newer peer",
        metadata=ext.ExtInner(note="deep", children=[ext.ExtInner(note="deeper", blob=b"\x00\x01")]))


def ext_update_config_request():
    return ext.ExtUpdateConfigRequest(
        name="sandbox-1", policy=ext_sandbox_policy(), setting_key="k",
        setting_value=sb.SettingValue(string_value="v"),
        merge_operations=[
            ext.ExtMergeOperation(add_rule=ext_rule()), ext.ExtMergeOperation(reset=True),
            ext.ExtMergeOperation(add_endpoint=ext_endpoint())],
        request_id="req-1", dry_run_token=U64_MAX)


def appended_get_sandbox_config_response():
    msg = get_sandbox_config_response()
    msg.policy.network_policies["github"].endpoints[0].MergeFromString(
        bytes.fromhex(ENDPOINT_UNKNOWN_HEX))
    msg.MergeFromString(bytes.fromhex(RESPONSE_UNKNOWN_HEX))
    return msg


CASES = {
    "update_config_request": update_config_request,
    "get_sandbox_config_response": get_sandbox_config_response,
    "get_gateway_config_response": get_gateway_config_response,
    "sandbox_log_line": sandbox_log_line,
    "push_sandbox_logs_request": push_sandbox_logs_request,
    "provider": provider,
    "sandbox": sandbox,
    "get_inference_bundle_response": get_inference_bundle_response,
    "report_policy_status_request": report_policy_status_request,
    "report_policy_status_unknown": report_policy_status_unknown,
    "policy_chunk": policy_chunk,
    "denial_summary": denial_summary,
    "all_types_max": all_types_max,
    "all_types_min": all_types_min,
    "all_types_special": all_types_special,
    "unpacked_types": unpacked_types,
    "ext_sandbox_policy": ext_sandbox_policy,
    "ext_update_config_request": ext_update_config_request,
    "appended_get_sandbox_config_response": appended_get_sandbox_config_response,
}

AUX = {
    "ext_endpoint_unknown": ext_endpoint_unknown_only,
}


def serialize(msg):
    return msg.SerializeToString(deterministic=True)


def same_scalar(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return struct.pack("<d", a) == struct.pack("<d", b)
    return type(a) is type(b) and a == b


def unknown_list(msg):
    return [(f.field_number, f.wire_type, f.data if not isinstance(f.data, unknown_fields.UnknownFieldSet)
             else "group") for f in unknown_fields.UnknownFieldSet(msg)]


def diff(a, b, path):
    """Lists every difference between two messages, naming the field path."""
    out = []
    for fd in a.DESCRIPTOR.fields:
        name = f"{path}.{fd.name}"
        va, vb = getattr(a, fd.name), getattr(b, fd.name)
        if fd.message_type is not None and fd.message_type.GetOptions().map_entry:
            value_fd = fd.message_type.fields_by_name["value"]
            for key in sorted(set(va.keys()) | set(vb.keys()), key=repr):
                if key not in va or key not in vb:
                    out.append(f"{name}[{key!r}]: present only on one side")
                elif value_fd.message_type is not None:
                    out += diff(va[key], vb[key], f"{name}[{key!r}]")
                elif not same_scalar(va[key], vb[key]):
                    out.append(f"{name}[{key!r}]: {va[key]!r} != {vb[key]!r}")
        elif fd.is_repeated:
            if len(va) != len(vb):
                out.append(f"{name}: {len(va)} elements != {len(vb)}")
                continue
            for i, (ea, eb) in enumerate(zip(va, vb)):
                if fd.message_type is not None:
                    out += diff(ea, eb, f"{name}[{i}]")
                elif not same_scalar(ea, eb):
                    out.append(f"{name}[{i}]: {ea!r} != {eb!r}")
        elif fd.message_type is not None:
            if a.HasField(fd.name) != b.HasField(fd.name):
                out.append(f"{name}: presence {a.HasField(fd.name)} != {b.HasField(fd.name)}")
            elif a.HasField(fd.name):
                out += diff(va, vb, name)
        elif not same_scalar(va, vb):
            out.append(f"{name}: {va!r} != {vb!r}")
    for oneof in a.DESCRIPTOR.oneofs:
        if a.WhichOneof(oneof.name) != b.WhichOneof(oneof.name):
            out.append(f"{path}.{oneof.name}: {a.WhichOneof(oneof.name)} != {b.WhichOneof(oneof.name)}")
    if unknown_list(a) != unknown_list(b):
        out.append(f"{path}: unknown fields {unknown_list(a)} != {unknown_list(b)}")
    return out


def main():
    command = sys.argv[2]
    if command == "encode":
        print(json.dumps({
            "cases": {name: serialize(build()).hex() for name, build in CASES.items()},
            "aux": {name: serialize(build()).hex() for name, build in AUX.items()},
        }))
        return 0
    if command == "accepts":
        report = {}
        for label, hex_bytes in json.load(sys.stdin).items():
            try:
                t.AllTypes.FromString(bytes.fromhex(hex_bytes))
                report[label] = True
            except Exception:  # noqa: BLE001 - any refusal counts as not accepted
                report[label] = False
        print(json.dumps(report))
        return 0
    if command == "check":
        report = {}
        for name, hex_bytes in json.load(sys.stdin).items():
            expected = CASES[name]()
            try:
                actual = type(expected).FromString(bytes.fromhex(hex_bytes))
            except Exception as error:  # noqa: BLE001 - the report names any decode failure
                report[name] = [f"Python could not decode the bytes: {error}"]
                continue
            report[name] = diff(actual, expected, name)
        print(json.dumps(report))
        return 1 if any(report.values()) else 0
    print(f"unknown command {command}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
