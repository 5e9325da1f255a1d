// swift-tools-version:6.0
// Layers, top to bottom: CCurl → HTTPCore → OffboardCore → Torii/Akana → Output → offboard.
// offboard-emulator shares no code with offboard, so each keeps the other honest.
// Every import is declared here except the toolchain's own modules: FoundationEssentials (which
// swift-argument-parser links anyway), Synchronization, Dispatch, Glibc.
import PackageDescription

let package = Package(
    name: "offboard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "offboard", targets: ["offboard"]),
        .executable(name: "offboard-emulator", targets: ["offboard-emulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        // Tests only: property-based checks of ID validation and path encoding.
        .package(url: "https://github.com/x-sheep/swift-property-based", exact: "2.0.1"),
        // The emulator's HTTP server only: offboard itself never links them.
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras", exact: "1.35.2"),
    ],
    targets: [
        // libcurl's headers only: CCurlShim opens libcurl at run time instead of linking it
        // (no pkgConfig here, which would add -lcurl).
        .systemLibrary(
            name: "CCurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(name: "CCurlShim", dependencies: ["CCurl"]),
        .target(name: "HTTPCore", dependencies: ["CCurl", "CCurlShim"]),
        .target(name: "OffboardCore", dependencies: ["HTTPCore"]),
        .target(name: "Torii", dependencies: ["OffboardCore", "HTTPCore"]),
        .target(name: "Akana", dependencies: ["OffboardCore", "HTTPCore"]),
        .target(name: "Output", dependencies: ["OffboardCore", "HTTPCore"]),
        .executableTarget(
            name: "offboard",
            dependencies: [
                "OffboardCore", "Torii", "Akana", "Output", "HTTPCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "offboard-emulator",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
            ]
        ),
        .testTarget(
            name: "OffboardCoreTests",
            dependencies: [
                "OffboardCore", "Torii", "Akana", "Output", "HTTPCore",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]),
        .testTarget(name: "EndToEndTests", dependencies: []),
    ]
)
