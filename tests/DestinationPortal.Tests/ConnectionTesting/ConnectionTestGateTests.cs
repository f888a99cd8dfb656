using DestinationPortal.Core.ConnectionTesting;

namespace DestinationPortal.Tests.ConnectionTesting;

public sealed class ConnectionTestGateTests
{
    [Fact]
    public void TryEnter_GlobalCapReached_RefusesEveryUserIncludingOnesWithNoTestRunning()
    {
        var gate = new ConnectionTestGate();
        var held = new[] { gate.TryEnter("alice", 3, 2), gate.TryEnter("alice", 3, 2), gate.TryEnter("bob", 3, 2) };

        Assert.All(held, Assert.NotNull);
        Assert.Null(gate.TryEnter("carol", 3, 2));
        Assert.Null(gate.TryEnter("bob", 3, 2));
        Assert.Equal(3, gate.InFlight);
    }

    [Fact]
    public void TryEnter_PerUserCapReached_RefusesOnlyThatUser()
    {
        var gate = new ConnectionTestGate();
        _ = gate.TryEnter("alice", 8, 2);
        _ = gate.TryEnter("alice", 8, 2);

        Assert.Null(gate.TryEnter("alice", 8, 2));
        Assert.NotNull(gate.TryEnter("bob", 8, 2));
        Assert.Equal(3, gate.InFlight);
    }

    [Fact]
    public void Dispose_LeaseOfAnotherUser_FreesAGlobalSlotForSomeoneElse()
    {
        var gate = new ConnectionTestGate();
        var alice = gate.TryEnter("alice", 2, 2)!;
        _ = gate.TryEnter("bob", 2, 2);
        Assert.Null(gate.TryEnter("carol", 2, 2));

        alice.Dispose();

        Assert.NotNull(gate.TryEnter("carol", 2, 2));
        Assert.Null(gate.TryEnter("dave", 2, 2));
    }

    [Fact]
    public void Dispose_Twice_FreesTheSlotOnce()
    {
        var gate = new ConnectionTestGate();
        var alice = gate.TryEnter("alice", 2, 2)!;
        _ = gate.TryEnter("bob", 2, 2);

        alice.Dispose();
        alice.Dispose();

        Assert.Equal(1, gate.InFlight);
        Assert.NotNull(gate.TryEnter("carol", 2, 2));
        Assert.Null(gate.TryEnter("dave", 2, 2));
    }

    [Fact]
    public void Dispose_EveryLease_LeavesNothingInFlightAndFullCapsAgain()
    {
        var gate = new ConnectionTestGate();
        var leases = Enumerable.Range(0, 4).Select(i => gate.TryEnter(i % 2 == 0 ? "alice" : "bob", 4, 2)!).ToList();

        leases.ForEach(l => l.Dispose());

        Assert.Equal(0, gate.InFlight);
        Assert.NotNull(gate.TryEnter("alice", 4, 2));
        Assert.NotNull(gate.TryEnter("alice", 4, 2));
    }
}
