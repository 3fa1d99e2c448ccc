import RosterIngress
import RosterTestSupport
import SCIMCore
import Testing

struct AuditRedactorTests {
    static let secret = "Sup3r-Secret-Pass!"

    @Test(arguments: [
        // RFC 7643 §8.2: a password in the full User representation.
        #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen","password":"Sup3r-Secret-Pass!"}"#,
        // Attribute names are case-insensitive: so is redaction.
        #"{"userName":"bjensen","PassWord":"Sup3r-Secret-Pass!"}"#,
        // Entra ID: PATCH replace with a path.
        #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"password","value":"Sup3r-Secret-Pass!"}]}"#,
        // Okta: PATCH replace without a path, the password inside the value.
        #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"password":"Sup3r-Secret-Pass!"}}]}"#,
        // The admin API: a Basic password and a token.
        #"{"name":"okta","basicPassword":"Sup3r-Secret-Pass!","token":"Sup3r-Secret-Pass!"}"#,
        // A JSON escape spelling the member name: still a password.
        #"{"userName":"bjensen","p\u0061ssword":"Sup3r-Secret-Pass!"}"#,
        // Not JSON (cut short): redacted by pattern.
        #"{"userName":"bjensen","password":"Sup3r-Secret-Pass!","#,
        // Not JSON, a PATCH path naming the password: withheld whole.
        #"{"Operations":[{"op":"replace","path":"password","value":"Sup3r-Secret-Pass!"}"#,
        // Not JSON at all.
        "userName=bjensen&password=Sup3r-Secret-Pass!",
    ])
    func aPasswordNeverSurvivesRedaction(body: String) {
        let kept = AuditRedactor.body(Array(body.utf8), limit: 16_384) ?? ""
        #expect(!kept.contains(Self.secret), "\(kept)")
        #expect(kept.contains("bjensen") || !body.contains("bjensen") || kept.hasPrefix("[withheld"), "only the secret goes: \(kept)")
    }

    @Test func aBodyWithoutSecretsIsKeptByteForByte() {
        let body = #"{ "userName" : "bjensen",  "name": {"givenName":"Barbara"} }"#
        #expect(AuditRedactor.body(Array(body.utf8), limit: 16_384) == body)
    }

    @Test func theQueryLosesSecretParameters() {
        #expect(AuditRedactor.query("filter=userName%20eq%20%22x%22&access_token=abc&count=5") == "filter=userName%20eq%20%22x%22&access_token=[redacted]&count=5")
        #expect(AuditRedactor.query(nil) == nil)
    }

    @Test func truncationCutsBetweenCharactersAndSaysHowMuchThereWas() {
        let text = String(repeating: "é", count: 10)  // two bytes each
        let cut = AuditRedactor.truncate(text, limit: 5, totalBytes: 20)
        #expect(cut == "éé…[truncated: 20 bytes in all]")
        #expect(AuditRedactor.truncate("short", limit: 100, totalBytes: 5) == "short")
        let redacted = AuditRedactor.body(Array(#"{"userName":"b","password":"a-long-secret-value"}"#.utf8), limit: 1000)
        #expect(redacted == #"{"password":"[redacted]","userName":"b"}"#, "shorter after redaction, but nothing was cut")
    }

    @Test func theStartOfALongStreamIsRedactedByPatternAndCut() {
        let start = #"{"Resources":[{"userName":"a","password":"Sup3r-Secret-Pass!"},"# + String(repeating: #"{"userName":"b"},"#, count: 50_000)
        let kept = AuditRedactor.body(Array(start.utf8), complete: false, totalBytes: 5_000_000, limit: 1000) ?? ""
        #expect(!kept.contains(Self.secret) && kept.hasSuffix("…[truncated: 5000000 bytes in all]") && kept.utf8.count < 1100)
    }

    @Test func aLongBodyIsRedactedThenTruncated() {
        let body = #"{"password":"Sup3r-Secret-Pass!","members":["# + String(repeating: #"{"value":"x"},"#, count: 2000) + #"{"value":"y"}]}"#
        let kept = AuditRedactor.body(Array(body.utf8), limit: 1000) ?? ""
        #expect(!kept.contains(Self.secret))
        #expect(kept.utf8.count < 1100 && kept.hasSuffix("…[truncated: \(body.utf8.count) bytes in all]"))
    }
}
