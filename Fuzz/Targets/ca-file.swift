// The --cacert check: the input as the CA file, checked as a run checks it before anything
// is sent.
// dictionary: pem
import OffboardCore

func fuzz(_ input: UnsafeBufferPointer<UInt8>) {
    let path = scratchDirectory + "/ca.pem"
    write(input, to: path)
    do {
        try checkCABundle(at: path)
    } catch {
        checkShownSafely(error)
    }
}
