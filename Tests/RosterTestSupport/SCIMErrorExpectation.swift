public import SCIMCore
public import Testing

/// Expects `body` to throw a ``SCIMError`` with exactly `status` and `scimType`: what a client
/// would see. A 500 where a 400 was meant (the store harness turns any other error into an
/// `internalError`), another error type, or no error at all each record an issue. Returns the
/// error, for a look at its detail.
@discardableResult
public func expectSCIMError<R>(
    status: Int, scimType: SCIMErrorType?, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> R
) -> SCIMError? {
    let expected = "SCIMError(\(status)\(scimType.map { ", \($0.rawValue)" } ?? ", no scimType"))"
    do {
        _ = try body()
        Issue.record("Expected \(expected), but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as SCIMError {
        #expect(error.status == status, "expected \(expected), got \(error)", sourceLocation: sourceLocation)
        #expect(error.scimType == scimType, "expected \(expected), got \(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("Expected \(expected), but \(type(of: error)) was thrown: \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
