"""What every app's demo module shares: the made-up people and numbers, the demo teams, and the
bulk writer of audit and timeline history. The `demo` app runs the apps' seeders in order."""

# The demo's two teams, by slug.
BENEFITS = "benefits"
HOUSING_NEEDS = "housing-needs"
TEAMS = {BENEFITS: "Benefits", HOUSING_NEEDS: "Housing Needs"}
