// Reference: a Swift program that prints a line, standard library linked statically as offboard's
// is. What the Swift runtime's start-up costs.
print("hello")
