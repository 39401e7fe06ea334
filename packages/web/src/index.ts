// The admin SPA lands here with issue [5/6]; this package only holds its place in the workspace.
