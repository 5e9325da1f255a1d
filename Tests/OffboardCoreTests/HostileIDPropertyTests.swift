import Akana
import Foundation
import OffboardCore
import PropertyBased
import Testing
import Torii

/// No input can make a request reach any path but the endpoint with exactly one encoded segment.
@Suite struct HostileIDPropertyTests {
    /// Strings over all of Latin-1 (NUL, CR, LF, `/`, `?`, `#`, `%`, space…) with some
    /// multi-byte characters mixed in.
    static let hostileText = Gen<Character>.latin1.map { character -> Character in
        let value = character.unicodeScalars.first!.value
        return value >= 0xF8 ? "😀" : value >= 0xF0 ? "\u{202E}" : character
    }.string(of: 0...80)

    static let injections = ["../", "..", "%2F", "%2f..%2f", "?", "#", " ", "\u{0}", "\r\n", "/", "\\", ";", "%00", "\u{FF0F}"]
    static let validUUID = "01931a73-8b00-7000-8000-000000000000"

    static func percentDecoded(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        var utf8 = text.utf8.makeIterator()
        while let byte = utf8.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = utf8.next(), let low = utf8.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    @Test func encodingKeepsOnlyUnreservedCharactersAndRoundTrips() async {
        await propertyCheck(count: 500, input: Self.hostileText) { text in
            let encoded = percentEncodePathSegment(text)
            #expect(
                encoded.utf8.allSatisfy { byte in
                    (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || "-._~%".utf8.contains(byte)
                })
            #expect(Self.percentDecoded(encoded) == Array(text.utf8))
            #expect(encoded != "." && encoded != "..")
        }
    }

    @Test func everyRequestStaysOnTheEndpointWithOneSegment() async throws {
        let torii = try ToriiService(baseURL: "https://api.torii.so", secretKey: "sk_test_x")
        let akana = AkanaService(baseURL: "https://dev.acme.com", credentials: AkanaCredentials(tenant: "acme", authToken: "t", csrfToken: nil))
        await propertyCheck(count: 500, input: Self.hostileText) { text in
            for (url, prefix) in [
                (torii.deleteRequest(for: text).url, "https://api.torii.so/api/server/v1/users/"),
                (akana.deleteRequest(for: text).url, "https://dev.acme.com/api/users/"),
            ] {
                #expect(url.hasPrefix(prefix))
                let segment = url.dropFirst(prefix.count)
                #expect(!segment.contains("/") && !segment.contains("?") && !segment.contains("#"))
                #expect(!segment.unicodeScalars.contains { $0.value < 0x21 || $0.value > 0x7E })
            }
        }
    }

    @Test func validationAcceptsOnlyUUIDs() async {
        await propertyCheck(count: 500, input: Self.hostileText) { text in
            if case .success(let uuid) = ToriiIDFormat().parse(text[...]) {
                #expect(text.utf8.count == 36)
                #expect(uuid.description == text.lowercased())
            }
            var akana = AkanaIDFormat(tenant: "acme", source: "test")
            if case .success = akana.parse(text[...]) {
                #expect(text.hasSuffix(".acme") && text.utf8.count == 41)
            }
        }
    }

    @Test func aValidUUIDWithAnyInjectionIsRefused() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...(Self.injections.count - 1)), Gen.int(in: 0...36), Self.hostileText) {
            which, position, noise in
            var text = Self.validUUID
            text.insert(
                contentsOf: Self.injections[which] + noise,
                at: text.index(text.startIndex, offsetBy: position))
            #expect((try? ToriiIDFormat().parse(text[...]).get()) == nil, "\(text.debugDescription)")
            var akana = AkanaIDFormat(tenant: nil, source: "test")
            // Every injection holds a character no tenant has, so the Akana form is refused too.
            #expect((try? akana.parse((text + ".acme")[...]).get()) == nil, "\(text.debugDescription)")
        }
    }

    @Test func uuidsRoundTripInAnyCase() async {
        await propertyCheck(count: 300, input: Gen<UInt8>.value(in: 0...255).array(of: 16)) { bytes in
            let uuid = UUID(uuid: bytes.withUnsafeBytes { $0.load(as: uuid_t.self) })
            #expect(UUID(parsing: uuid.lowercasedString[...]) == uuid)
            #expect(UUID(parsing: uuid.lowercasedString.uppercased()[...]) == uuid)
            #expect(uuid.lowercasedString == uuid.uuidString.lowercased(), "the same digits as Foundation's")
        }
    }

    @Test func aTenKilobyteIDIsRefusedWithAShortMessage() {
        let huge = Self.validUUID + String(repeating: "a", count: 10_000)
        let error = #expect(throws: OffboardError.self) { try IDReader.read(arguments: [huge], file: nil, format: ToriiIDFormat()) }
        #expect((error?.message.utf8.count ?? .max) < 400, "the message quotes a bounded part of the ID")
    }
}
