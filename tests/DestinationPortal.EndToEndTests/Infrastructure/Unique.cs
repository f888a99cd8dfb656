namespace DestinationPortal.EndToEndTests.Infrastructure;

/// <summary>The journeys share one portal: each names its destinations with a token no other journey uses.</summary>
public static class Unique
{
    public static string Token() => Guid.NewGuid().ToString("N")[..6];
}
