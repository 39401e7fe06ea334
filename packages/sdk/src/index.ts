// The published client lands here with issue [4/6]; this package only holds its place in the workspace.
