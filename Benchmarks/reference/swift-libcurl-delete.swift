// Reference: the least a Swift program can do for one delete: libcurl-delete.c in Swift (standard
// library linked statically, as offboard's is; libcurl linked), with no argument parser and no
// checks. Any Swift tool built on libcurl takes at least this long; offboard's target is curl.
// Usage: swift-libcurl-delete URL AUTHORIZATION-HEADER
import Glibc

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    fputs("usage: swift-libcurl-delete URL HEADER\n", stderr)
    exit(64)
}
curl_global_init(Int(CURL_GLOBAL_DEFAULT))
let handle = curl_easy_init()
let headers = curl_slist_append(nil, arguments[2])
_ = ref_setopt_string(handle, CURLOPT_URL, arguments[1])
_ = ref_setopt_string(handle, CURLOPT_CUSTOMREQUEST, "DELETE")
_ = ref_setopt_pointer(handle, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headers))
_ = ref_setopt_write_callback(handle) { _, size, count, _ in size * count }
let code = curl_easy_perform(handle)
var status = 0
_ = ref_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
exit(code == CURLE_OK && status == 204 ? 0 : 1)
