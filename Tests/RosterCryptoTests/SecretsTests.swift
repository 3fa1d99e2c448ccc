import RosterCrypto
import Testing

struct SecretsTests {
    /// FIPS 180-2 test vector.
    @Test func sha256OfAbcMatchesTheStandardVector() {
        #expect(Secrets.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func tokensAre256BitAndDistinct() {
        let a = Secrets.generateToken(), b = Secrets.generateToken()
        #expect(a.count == 43)
        #expect(a != b)
        #expect(Secrets.tokenMatches(a, sha256Hex: Secrets.sha256Hex(a)))
        #expect(!Secrets.tokenMatches(b, sha256Hex: Secrets.sha256Hex(a)))
    }

    @Test func passwordHashVerifiesOnlyTheRightPasswordAndHidesIt() {
        let hasher = PasswordHasher(iterations: 1000)
        let encoded = hasher.hash("1mz050nq")
        #expect(!encoded.contains("1mz050nq"))
        #expect(encoded.hasPrefix("pbkdf2-sha256$1000$"))
        #expect(PasswordHasher.verify("1mz050nq", against: encoded))
        #expect(!PasswordHasher.verify("1mz050nQ", against: encoded))
        #expect(hasher.hash("1mz050nq") != encoded, "each hash has its own salt")
        #expect(!PasswordHasher.verify("x", against: "garbage"))
    }
}
