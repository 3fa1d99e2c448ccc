// libFuzzer targets for what parses untrusted bytes: the JSON parser, the filter parser, the
// PATCH engine and the wire decoder. Built only by scripts/fuzz (ROSTER_FUZZ=1, `swift build
// --sanitize=fuzzer --sanitize=address`); ROSTER_FUZZ_TARGET picks the target: json, filter,
// patch or wire. A target may refuse its input with an error; it must never crash, and what it
// accepts must survive a round trip.
// Only functions here: libFuzzer's main runs, not this file's top-level code, so globals live in
// Targets.swift (lazily initialised there).
import Foundation

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    if let directory = ProcessInfo.processInfo.environment["ROSTER_FUZZ_EMIT_SEEDS"] {
        emitWireSeeds(into: directory)
        exit(0)
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    switch target {
    case "filter": fuzzFilter(bytes)
    case "patch": fuzzPatch(bytes)
    case "wire": fuzzWire(bytes)
    default: fuzzJSON(bytes)
    }
    return 0
}
