import CCurl
import CCurlShim

/// One request on one easy handle: sets it up, collects the response, maps curl's result.
/// Lives on the loop thread only.
final class Transfer {
    let handle: UnsafeMutableRawPointer
    let request: HTTPRequest
    let options: TransferOptions
    let trace: Trace?
    let userAgent: String
    let completion: Transport.Completion

    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
    private var responseHeaders = ResponseHeaderLines()
    private var body: [UInt8] = []
    private var bodyTooLarge = false
    private var requestsSent = 0

    init(
        handle: UnsafeMutableRawPointer, request: HTTPRequest, options: TransferOptions, trace: Trace?,
        userAgent: String, completion: @escaping Transport.Completion
    ) {
        self.handle = handle
        self.request = request
        self.options = options
        self.trace = trace
        self.userAgent = userAgent
        self.completion = completion
        errorBuffer.initialize(to: 0)
    }

    /// Applies every option; returns an error instead of starting when libcurl refuses one.
    func configure() -> TransportError? {
        let me = Unmanaged.passUnretained(self).toOpaque()
        var codes: [CURLcode] = [
            offboard_easy_setopt_string(handle, CURLOPT_URL, request.url),
            offboard_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method),
            // Only web protocols, and a redirect is reported, never followed.
            offboard_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"),
            offboard_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0),
            offboard_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
            // 0 would mean "no limit" to libcurl.
            offboard_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, max(1, Int(options.timeout.milliseconds))),
            offboard_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, max(1, Int(options.connectTimeout.milliseconds))),
            offboard_easy_setopt_off(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(options.maxBodyBytes)),
            offboard_easy_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, options.insecure ? 0 : 1),
            offboard_easy_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, options.insecure ? 0 : 2),
            // Waiting for a connection to multiplex on only pays off where HTTP/2 can be
            // negotiated (TLS); on plain HTTP/1.1 it would hold the first round back.
            offboard_easy_setopt_long(handle, CURLOPT_PIPEWAIT, request.url.hasPrefix("https://") ? 1 : 0),
            offboard_easy_setopt_string(handle, CURLOPT_USERAGENT, userAgent),
            offboard_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer),
            offboard_easy_setopt_write_callback(handle, Transfer.onBody),
            offboard_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, me),
            offboard_easy_setopt_header_callback(handle, Transfer.onHeader),
            offboard_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, me),
        ]
        if let caFile = options.caFile {
            // CAINFO replaces curl's default bundle; CAPATH keeps the system store, so the
            // file adds a CA instead of replacing all of them.
            codes.append(offboard_easy_setopt_string(handle, CURLOPT_CAINFO, caFile))
            codes.append(offboard_easy_setopt_string(handle, CURLOPT_CAPATH, "/etc/ssl/certs"))
        }
        if let body = request.body {
            codes.append(offboard_easy_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            codes.append(
                body.withUnsafeBufferPointer {
                    offboard_easy_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress))
                })
        }
        // An empty Expect stops curl from waiting for "100 Continue" on small bodies.
        for header in request.headers + [HTTPHeader("Expect", "")] {
            let line = header.value.isEmpty ? "\(header.name):" : "\(header.name): \(header.value)"
            headerList = offboard_slist_append(headerList, line)
        }
        codes.append(offboard_easy_setopt_pointer(handle, CURLOPT_HTTPHEADER, headerList))
        // libcurl sends a request again by itself when a reused connection turns out dead, which
        // a DELETE must know about: this callback runs each time, connected, it is about to send
        // one, that one included (counted before the bytes go: for a DELETE, "may have been
        // sent" is the safe reading).
        codes.append(offboard_easy_setopt_prereq_callback(handle, Transfer.onSending))
        codes.append(offboard_easy_setopt_pointer(handle, CURLOPT_PREREQDATA, me))
        // Only for -v: verbose, libcurl formats an info line for every step of every transfer
        // (~5% of a batch's CPU over HTTP/2, measured).
        if trace != nil {
            codes.append(offboard_easy_setopt_long(handle, CURLOPT_VERBOSE, 1))
            codes.append(offboard_easy_setopt_debug_callback(handle, Transfer.onDebug))
            codes.append(offboard_easy_setopt_pointer(handle, CURLOPT_DEBUGDATA, me))
        }
        if let failed = codes.first(where: { $0 != CURLE_OK }) {
            return TransportError(
                kind: .local, message: "libcurl refused an option: \(String(cString: offboard_easy_strerror(failed)))",
                mayHaveReachedServer: false)
        }
        return nil
    }

    func result(code: CURLcode) -> Result<HTTPResponse, TransportError> {
        var status = 0
        _ = offboard_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        if code == CURLE_OK {
            return .success(HTTPResponse(status: status, headers: responseHeaders.headers, body: body, requestsSent: max(1, requestsSent)))
        }
        var requestBytes = 0
        _ = offboard_easy_getinfo_long(handle, CURLINFO_REQUEST_SIZE, &requestBytes)
        let curlMessage = errorBuffer.pointee != 0 ? String(cString: errorBuffer) : String(cString: offboard_easy_strerror(code))
        let kind = Transfer.kind(of: code, message: curlMessage, bodyTooLarge: bodyTooLarge)
        let message =
            kind == .responseTooLarge
            ? "response body larger than \(options.maxBodyBytes) bytes; cut off"
            : curlMessage
        return .failure(
            TransportError(
                kind: kind, message: message, mayHaveReachedServer: requestBytes > 0 || requestsSent > 0,
                status: status == 0 ? nil : status, requestsSent: max(1, requestsSent)))
    }

    func release() {
        offboard_slist_free_all(headerList)
        headerList = nil
        errorBuffer.deallocate()
    }

    /// What the TLS library says when the answer to its handshake is no TLS at all (a plain
    /// HTTP server behind an https:// URL): OpenSSL 1.1–3.1, OpenSSL 3.2 and later, GnuTLS.
    static let notTLSReasons = ["wrong version number", "record layer failure", "An unexpected TLS packet was received"]

    static func kind(of code: CURLcode, message: String, bodyTooLarge: Bool) -> TransportError.Kind {
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        case CURLE_SSL_CONNECT_ERROR where notTLSReasons.contains(where: message.contains):
            return .notTLS
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return .tls
        case CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CRL_BADFILE, CURLE_SSL_CERTPROBLEM, CURLE_SSL_ENGINE_NOTFOUND,
            CURLE_SSL_CLIENTCERT:
            return .local  // our own files or settings, e.g. a --cacert that is not PEM
        case CURLE_FILESIZE_EXCEEDED:
            return .responseTooLarge
        case CURLE_WRITE_ERROR where bodyTooLarge:
            return .responseTooLarge
        case CURLE_WEIRD_SERVER_REPLY, CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_BAD_CONTENT_ENCODING:
            return .malformedResponse
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_OUT_OF_MEMORY, CURLE_BAD_FUNCTION_ARGUMENT,
            CURLE_WRITE_ERROR:
            return .local
        default:
            // Refused, unresolved, reset, closed without answer, partial body: the network.
            return .connection
        }
    }

    // MARK: libcurl callbacks (C function pointers; the Transfer comes back as userdata)

    private static let onBody: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
        data, size, count, me in
        let transfer = Unmanaged<Transfer>.fromOpaque(me!).takeUnretainedValue()
        let length = size * count
        guard transfer.body.count + length <= transfer.options.maxBodyBytes else {
            transfer.bodyTooLarge = true
            return 0  // makes curl stop with CURLE_WRITE_ERROR
        }
        data!.withMemoryRebound(to: UInt8.self, capacity: length) {
            transfer.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
        }
        return length
    }

    private static let onHeader: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
        data, size, count, me in
        let transfer = Unmanaged<Transfer>.fromOpaque(me!).takeUnretainedValue()
        let length = size * count
        transfer.responseHeaders.read(UnsafeRawBufferPointer(start: data, count: length).bindMemory(to: UInt8.self))
        return length
    }

    private static let onSending:
        @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<CChar>?, UnsafeMutablePointer<CChar>?, Int32, Int32) -> Int32 = {
            me, _, _, _, _ in
            Unmanaged<Transfer>.fromOpaque(me!).takeUnretainedValue().requestsSent += 1
            return CURL_PREREQFUNC_OK
        }

    private static let onDebug:
        @convention(c) (UnsafeMutableRawPointer?, curl_infotype, UnsafeMutablePointer<CChar>?, Int, UnsafeMutableRawPointer?) -> Int32 = {
            _, type, data, size, me in
            let transfer = Unmanaged<Transfer>.fromOpaque(me!).takeUnretainedValue()
            guard let trace = transfer.trace, let data else { return 0 }
            let bytes = data.withMemoryRebound(to: UInt8.self, capacity: size) { UnsafeBufferPointer(start: $0, count: size) }
            switch type {
            case CURLINFO_TEXT: trace.info(String(decoding: bytes, as: UTF8.self))
            case CURLINFO_HEADER_OUT: trace.headers(String(decoding: bytes, as: UTF8.self), outgoing: true)
            case CURLINFO_HEADER_IN: trace.headers(String(decoding: bytes, as: UTF8.self), outgoing: false)
            case CURLINFO_DATA_IN: trace.body(byteCount: size, outgoing: false)
            case CURLINFO_DATA_OUT: trace.body(byteCount: size, outgoing: true)
            default: break
            }
            return 0
        }
}
