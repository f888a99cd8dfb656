namespace DestinationPortal.Core;

/// <summary>Who is acting, for the created-by / updated-by stamps. The web project supplies it per circuit or request.</summary>
public interface ICurrentUser
{
    string Name { get; }
}
